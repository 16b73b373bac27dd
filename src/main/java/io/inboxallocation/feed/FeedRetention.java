package io.inboxallocation.feed;

import io.inboxallocation.timer.PeriodicVerticle;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * Deletes events older than the retention (EVENT_RETENTION), oldest positions first, and records how far it went: a
 * cursor before that answers 410. An event the webhook fan-out has not reached yet stays, however old: its deliveries
 * are still to be made. Webhook deliveries that are over (SUCCEEDED or FAILED) go after the same time. Runs on every
 * node; the row lock on event_feed makes the runs take turns.
 */
public final class FeedRetention extends PeriodicVerticle {

  private static final int BATCH = 10_000;

  /** $1 retention in seconds. Deletes a prefix of the feed: positions up to the last old one of the next batch. */
  private static final String PURGE = """
    WITH feed AS (
      SELECT purged_to FROM event_feed FOR UPDATE
    ), cut AS (
      SELECT max(b.position) AS position
      FROM (SELECT e.position, e.occurred_at FROM domain_event e, feed
            WHERE e.position > feed.purged_to AND e.position <= (SELECT w.position FROM webhook_fanout w)
            ORDER BY e.position LIMIT %1$d) b
      WHERE b.occurred_at < now() - make_interval(secs => $1)
    ), purged AS (
      DELETE FROM domain_event e USING cut WHERE e.position <= cut.position
    )
    UPDATE event_feed f SET purged_to = cut.position FROM cut WHERE cut.position IS NOT NULL
    RETURNING purged_to""".formatted(BATCH);

  /**
   * $1 retention in seconds. Finished webhook deliveries, in a statement of their own: under the event_feed lock their
   * search held up the sequencer, and so every relay and webhook, for up to a second each minute. Deliveries are
   * numbered as they are created, so the old ones are the lowest ids: the search reads the primary key up to the
   * first delivery young enough to stay, not the whole table (a scan of a million deliveries that found nothing to
   * delete ran into the statement timeout every minute).
   */
  private static final String PURGE_DELIVERIES = """
    DELETE FROM webhook_delivery d WHERE d.id IN (
      SELECT x.id FROM webhook_delivery x
      WHERE x.status <> 'PENDING' AND x.created_at < now() - make_interval(secs => $1)
        AND x.id < coalesce((SELECT y.id FROM webhook_delivery y
                             WHERE y.created_at >= now() - make_interval(secs => $1) ORDER BY y.id LIMIT 1),
                            9223372036854775807)
      ORDER BY x.id LIMIT %1$d)""".formatted(BATCH);

  private final Pool pool;
  private final Pool background;
  private final Duration retention;

  /**
   * {@code background}: the connections that plan with index scans only (see {@code Database.Clients}), for the
   * deliveries, a queue table whose statistics may say "empty" when it holds millions.
   */
  public FeedRetention(Pool pool, Pool background, Duration retention, Duration interval) {
    super(interval);
    this.pool = pool;
    this.background = background;
    this.retention = retention;
  }

  /** Batch after batch while the last one deleted something. */
  @Override
  protected Future<Boolean> run() {
    Tuple seconds = Tuple.of((double) retention.toSeconds());
    return pool.preparedQuery(PURGE).execute(seconds)
      .compose(feed -> background.preparedQuery(PURGE_DELIVERIES).execute(seconds)
        .map(deliveries -> feed.size() > 0 || deliveries.rowCount() > 0));
  }
}
