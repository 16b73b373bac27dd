package io.inboxallocation.feed;

import io.inboxallocation.auth.AccessCache;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Follows the feed on this node. Each cycle first numbers newly committed events ({@link Sequencer}), then reads
 * every event past the node's position and hands them out: tenant versions and the access cache first, then a {@link FeedBatch} to the node's WebSockets and long polls. A cycle runs when this
 * node has written ({@link Poke}), when another node's sequencer notifies (LISTEN), and on a short timer, the safety
 * net for a lost notification or a write made elsewhere.
 */
public final class FeedRelay extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FeedRelay.class);

  static final String CHANNEL = "domain_event_feed";
  private static final int READ_BATCH = 1_000;
  /**
   * A cycle asked for while one runs starts this long after it: under a stream of writes the relay runs back to back
   * cycles that each take many events, instead of one cycle per write.
   */
  private static final long COALESCE_MILLIS = 5;

  private static final String HEAD = "SELECT head FROM event_feed";
  private static final String READ = "SELECT " + FeedEvent.COLUMNS
    + " FROM domain_event e WHERE e.position > $1 ORDER BY e.position LIMIT " + READ_BATCH;

  /** Asks the node's relay for a cycle now: this node has just written. */
  public record Poke() {
    public static final Poke NOW = new Poke();
  }

  private final Pool pool;
  private final PgConnectOptions connect;
  private final Feed feed;
  private final Sequencer sequencer;
  private final AccessCache access;
  private final Duration interval;
  private PgSubscriber subscriber;
  private long position;
  private boolean running;
  private boolean again;
  private boolean failing;
  private boolean stopping;

  public FeedRelay(Pool pool, PgConnectOptions connect, Feed feed, Sequencer sequencer, AccessCache access,
                   Duration interval) {
    this.pool = pool;
    this.connect = connect;
    this.feed = feed;
    this.sequencer = sequencer;
    this.access = access;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    return pool.query(HEAD).execute()
      .map(rows -> Rows.firstOrNull(rows, row -> row.getLong("head")))
      .compose(head -> {
        position = head;
        feed.startAt(head);
        Bus.subscribe(vertx, Poke.class, poke -> cycle());
        PgConnectOptions listener = new PgConnectOptions(connect);
        listener.setMetricsName("feed-listener");
        subscriber = PgSubscriber.subscriber(vertx, listener).reconnectPolicy(attempts -> 500L);
        subscriber.channel(CHANNEL).handler(notified -> cycle());
        // Without LISTEN the timer still delivers, only later: not a reason to refuse to start.
        return subscriber.connect().recover(failure -> {
          LOG.warn("LISTEN {} failed ({}); relying on polling every {} ms", CHANNEL, failure.getMessage(),
            interval.toMillis());
          return Future.succeededFuture();
        });
      })
      .onSuccess(listening -> {
        vertx.setPeriodic(interval.toMillis(), tick -> cycle());
        cycle();
      });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private void cycle() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    long startedAt = System.currentTimeMillis();
    long cycle = feed.startCycle();
    sequencer.run(pool)
      .compose(head -> readAll())
      .onComplete(done -> {
        running = false;
        if (done.succeeded()) {
          feed.completeCycle(cycle, startedAt, System.currentTimeMillis());
          if (failing) {
            LOG.info("event feed relay: reading again from position {}", position);
          }
        } else if (!failing && !stopping) {
          LOG.warn("event feed relay: {}; retrying every {} ms, node-local caches not trusted meanwhile",
            done.cause().getMessage(), interval.toMillis());
        }
        failing = done.failed();
        if (again) {
          vertx.setTimer(COALESCE_MILLIS, later -> cycle());
        }
      });
  }

  private Future<Void> readAll() {
    return pool.preparedQuery(READ).execute(Tuple.of(position)).compose(rows -> {
      List<FeedEvent> events = Rows.all(rows, FeedEvent::from);
      if (events.isEmpty()) {
        return Future.succeededFuture();
      }
      events.forEach(this::apply);
      position = events.get(events.size() - 1).position();
      Bus.publish(vertx, new FeedBatch(events));
      return events.size() == READ_BATCH ? readAll() : Future.succeededFuture();
    });
  }

  /** What the node keeps of the feed, updated before anyone local is told of the event. */
  private void apply(FeedEvent event) {
    switch (event.type()) {
      case OPERATOR_UPDATED, OPERATOR_DELETED, SUBSCRIPTION_ADDED, SUBSCRIPTION_REMOVED ->
        access.evict(event.tenantId(), event.operatorId());
      case INBOX_DELETED -> access.evictTenant(event.tenantId());
      default -> {
      }
    }
    feed.advance(event);
  }
}
