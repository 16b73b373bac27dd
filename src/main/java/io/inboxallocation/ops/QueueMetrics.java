package io.inboxallocation.ops;

import io.inboxallocation.timer.PeriodicVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.inboxallocation.conversation.ConversationState.QUEUED;

/**
 * The queue as metrics, refreshed by one query every QUEUE_METRICS_INTERVAL_MS rather than per scrape: per tenant and
 * inbox, {@code inbox_allocation_queued_conversations} and {@code inbox_allocation_oldest_queued_seconds} (since the
 * oldest queued conversation last changed), for the {@value #MAX_SERIES} largest queues at most, so a tenant with
 * thousands of inboxes cannot flood Prometheus; {@code inbox_allocation_grace_pending} and
 * {@code inbox_allocation_webhook_pending} (deliveries not yet succeeded or failed for good).
 *
 * <p>The count reads every queued row, so its cost grows with the queue: 250 ms of a database core at a million queued,
 * and in parallel workers 1.3 s of CPU over three processes at once, every 5 s on every node, while allocations waited
 * (bench/results/issue11-same-hour.md). So it runs without parallel workers, and the next refresh waits at least
 * {@value #COST_FACTOR} times as long as the last one took: at most 1% of one database core per node at any depth. A
 * small queue is read every interval; a million queued every 25 s or so.
 */
public final class QueueMetrics extends PeriodicVerticle {

  static final int MAX_SERIES = 500;
  static final int COST_FACTOR = 100;

  private static final String QUEUES = """
    SELECT c.tenant_id, c.inbox_id, count(*) AS queued,
           extract(epoch FROM now() - min(c.updated_at)) AS oldest_seconds
    FROM conversation_ref c
    WHERE c.state = %s
    GROUP BY c.tenant_id, c.inbox_id
    ORDER BY queued DESC
    LIMIT %d""".formatted(QUEUED.literal(), MAX_SERIES);

  /** One backend's work, measured by its duration (parallel workers would spread it over every core at once). */
  private static final String SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0";

  private static final String PENDING = "SELECT (SELECT count(*) FROM grace_period_assignment) AS grace, "
    + "(SELECT count(*) FROM webhook_delivery WHERE status = 'PENDING') AS webhooks";

  private final Pool pool;
  private final MultiGauge queued;
  private final MultiGauge oldest;
  private final AtomicLong gracePending = new AtomicLong();
  private final AtomicLong webhooksPending = new AtomicLong();
  /** No refresh starts before this System.nanoTime(). */
  private long notBeforeNanos = System.nanoTime();

  public QueueMetrics(Pool pool, MeterRegistry registry, Duration interval) {
    super(interval);
    this.pool = pool;
    this.queued = MultiGauge.builder("inbox_allocation_queued_conversations")
      .description("Conversations QUEUED, per tenant and inbox").register(registry);
    this.oldest = MultiGauge.builder("inbox_allocation_oldest_queued_seconds")
      .description("Seconds since the oldest QUEUED conversation of the inbox last changed").baseUnit("seconds")
      .register(registry);
    registry.gauge("inbox_allocation_grace_pending", gracePending);
    registry.gauge("inbox_allocation_webhook_pending", webhooksPending);
  }

  @Override
  protected Future<Boolean> run() {
    long started = System.nanoTime();
    if (started - notBeforeNanos < 0) {
      return Future.succeededFuture(false);
    }
    return pool.withTransaction(tx -> tx.query(SERIAL).execute()
        .compose(serial -> tx.query(QUEUES).execute())
        .map(this::publishQueues)
        .compose(published -> tx.query(PENDING).execute()))
      .map(rows -> {
        Row pending = rows.iterator().next();
        gracePending.set(pending.getLong("grace"));
        webhooksPending.set(pending.getLong("webhooks"));
        notBeforeNanos = started + COST_FACTOR * (System.nanoTime() - started);
        return false;
      });
  }

  private Void publishQueues(RowSet<Row> rows) {
    List<MultiGauge.Row<?>> depth = new ArrayList<>();
    List<MultiGauge.Row<?>> age = new ArrayList<>();
    for (Row row : rows) {
      Tags tags = Tags.of("tenant_id", row.getUUID("tenant_id").toString(), "inbox_id", row.getUUID("inbox_id").toString());
      depth.add(MultiGauge.Row.of(tags, row.getLong("queued")));
      age.add(MultiGauge.Row.of(tags, row.getNumeric("oldest_seconds").doubleValue()));
    }
    queued.register(depth, true);
    oldest.register(age, true);
    return null;
  }
}
