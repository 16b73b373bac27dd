package io.inboxallocation.feed;

import io.inboxallocation.events.EventReason;
import io.inboxallocation.events.EventType;
import io.inboxallocation.ops.LifecycleMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Numbers newly committed events ({@code sequence_domain_events}, safe from every node at once) and answers the head.
 * The lifecycle events a call numbers are counted here, by this node only: each event is numbered once.
 */
public final class Sequencer {

  static final int BATCH = 5_000;

  private static final String SEQUENCE = "SELECT * FROM sequence_domain_events($1)";

  private final LifecycleMetrics metrics;

  public Sequencer(LifecycleMetrics metrics) {
    this.metrics = metrics;
  }

  Future<Long> run(SqlClient client) {
    return client.preparedQuery(SEQUENCE).execute(Tuple.of(BATCH)).map(rows -> {
      long head = 0;
      for (Row row : rows) {
        head = row.getLong("head");
        String type = row.getString("type");
        if (type != null) {
          String reason = row.getString("reason");
          metrics.record(EventType.valueOf(type), reason == null ? null : EventReason.valueOf(reason),
            row.getDouble("seconds"));
        }
      }
      return head;
    });
  }
}
