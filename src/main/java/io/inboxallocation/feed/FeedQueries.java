package io.inboxallocation.feed;

import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.feed.FeedMessages.FeedPage;
import io.inboxallocation.feed.FeedMessages.ReadFeed;
import io.inboxallocation.feed.FeedMessages.ReplayFeed;
import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads the feed for one caller. The head and the events come from one snapshot: when fewer events than asked for
 * are visible, the caller has seen everything up to the head, and continues from there.
 */
public final class FeedQueries extends QueryVerticle {

  /** $1 tenant, $2 after, $3 the operator whose view this is (null: the whole tenant), $4 limit. */
  private static final String READ = """
    SELECT f.head, f.purged_to, x.*
    FROM event_feed f
    LEFT JOIN LATERAL (
      SELECT""" + " " + FeedEvent.COLUMNS + """

      FROM domain_event e
      WHERE e.tenant_id = $1 AND e.position > $2
        AND ($3::uuid IS NULL OR e.operator_id = $3 OR e.previous_operator_id = $3
             OR e.inbox_id IN (SELECT s.inbox_id FROM operator_inbox_subscription s WHERE s.operator_id = $3)
             OR (e.type = 'MOVED'
                 AND (e.details ->> 'fromInboxId')::uuid IN (SELECT s.inbox_id FROM operator_inbox_subscription s
                                                             WHERE s.operator_id = $3)))
      ORDER BY e.position
      LIMIT $4
    ) x ON true""";

  private final Sequencer sequencer;

  public FeedQueries(Database.Clients db, Sequencer sequencer) {
    super(db);
    this.sequencer = sequencer;
  }

  @Override
  protected void serve() {
    on(ReadFeed.class, query -> read(query.actor().tenantId(), query.after(), query.actor().inboxScope(), query.limit()));
    on(ReplayFeed.class, query -> read(query.tenantId(), query.after(), null, query.limit()));
  }

  private Future<FeedPage> read(UUID tenantId, Long afterCursor, UUID operatorScope, int limit) {
    // Numbers what has committed so far, as the relay would a moment later: a reader then sees everything committed
    // before it asked (its own writes included), and the head it is given is past all of it.
    Future<Long> sequenced = sequencer.run(client);
    if (afterCursor == null) {
      return sequenced.map(head -> new FeedPage(List.of(), head));
    }
    long after = afterCursor;
    return sequenced.compose(head -> client.preparedQuery(READ).execute(Tuple.of(tenantId, after, operatorScope, limit)))
      .compose(rows -> {
        Row first = rows.iterator().next();
        long head = first.getLong("head");
        if (after < first.getLong("purged_to")) {
          return Future.failedFuture(ApiError.gone("the events after this cursor are no longer retained: "
            + "reload the state you need and continue from a new cursor (GET /events without after)"));
        }
        if (after > head) {
          return Future.failedFuture(ApiError.badRequest("after", "this cursor is ahead of the feed"));
        }
        List<FeedEvent> items = new ArrayList<>();
        rows.forEach(row -> {
          if (row.getValue("position") != null) {
            items.add(FeedEvent.from(row));
          }
        });
        long next = items.size() < limit ? head : items.get(items.size() - 1).position();
        return Future.succeededFuture(new FeedPage(items, next));
      });
  }
}
