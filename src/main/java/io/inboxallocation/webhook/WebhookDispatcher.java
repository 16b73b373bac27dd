package io.inboxallocation.webhook;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.RequestLoad;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.feed.FeedBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers webhooks, on every node (docs/ARCHITECTURE.md, "Webhooks"). A cycle fans newly numbered events out into
 * deliveries, then takes due deliveries (several nodes take disjoint ones: SKIP LOCKED, and a lease that keeps a taken
 * one from being due again until its attempt is over) and posts them, up to {@value #MAX_IN_FLIGHT} at once; their
 * outcomes are written back together. A cycle runs when the feed moves (while any endpoint is enabled), when a command
 * of this node asks ({@link Wake}), when an outcome is written (the next event of that conversation may now go) and on
 * a timer, for retries that come due.
 *
 * <p>Deliveries give way to the node's API requests ({@link DeliveryPace}): while more requests are in flight than
 * WEBHOOK_YIELD_ABOVE_REQUESTS, only the timer starts cycles, and each takes what the pace allows, at least
 * {@value #FLOOR_PER_CYCLE}, fanning out as many events only when the deliveries due do not fill it. Nothing is lost
 * meanwhile: the events wait in the feed, whose position the fan-out keeps.
 */
public final class WebhookDispatcher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  /** Asks this node's dispatcher to look for due deliveries now. */
  public record Wake() {
    public static final Wake NOW = new Wake();
  }

  static final int MAX_IN_FLIGHT = 256;
  /** The fewest events fanned out and deliveries taken per timer cycle, however busy the node. */
  static final int FLOOR_PER_CYCLE = 16;
  private static final int CONNECTIONS_PER_HOST = 64;
  private static final int FAN_OUT_EVENTS = 2_000;
  /** A taken delivery is due again only after its attempt's timeout and this margin: then its node must be dead. */
  private static final long LEASE_MARGIN_MILLIS = 10_000;
  private static final long STOP_WAIT_MILLIS = 5_000;

  /** The fan-out, and whether any endpoint is enabled at all (if none, there is nothing to take either). */
  private static final String FAN_OUT = "SELECT created, remaining, EXISTS (SELECT 1 FROM webhook WHERE enabled) "
    + "AS endpoints FROM fan_out_webhook_deliveries($1)";

  /**
   * Up to $1 due deliveries of enabled endpoints, leased for $2 ms. Only the head of each line (endpoint and ordering
   * key) has a next_attempt_at (V10), so this is one range of the due index, where the deliveries in flight (a few
   * hundred per node at most) are skipped; the lease is in a column of no index, so a take is an update in place
   * (V11). The endpoint's flag is read per row, not
   * joined: a join lets the planner start from the endpoints and sort their whole backlog on every take. The taken
   * rows are then found by id (= ANY): a join with the CTE was planned, from statistics that said "empty", as a scan
   * of the whole table per taken row.
   */
  private static final String TAKE = """
    WITH due AS (
      SELECT d.id FROM webhook_delivery d
      WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
        AND (d.leased_until IS NULL OR d.leased_until <= now())
        AND (SELECT w.enabled FROM webhook w WHERE w.id = d.webhook_id)
      ORDER BY d.next_attempt_at, d.id
      LIMIT $1
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_delivery d SET attempts = d.attempts + 1, last_attempt_at = now(),
      leased_until = now() + $2 * interval '1 millisecond'
    FROM webhook w
    WHERE d.id = ANY (ARRAY(SELECT due.id FROM due)) AND w.id = d.webhook_id
    RETURNING d.id, d.webhook_id, d.attempts, d.payload, w.url, w.secret,
      CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret""";

  /**
   * The outcomes of attempts, and the next delivery of each line whose head finished made due; see
   * record_webhook_outcomes (V10).
   */
  private static final String RECORD = "SELECT record_webhook_outcomes($1, $2, $3, $4, $5, $6)";

  /** Held until the end of the transaction: fan-outs (FOR UPDATE) and outcome writes (FOR SHARE) wait for it. */
  private static final String PAUSE = "SELECT 1 FROM webhook_fanout FOR UPDATE";

  /** Endpoints that answered 410 (run {@link #paused}). */
  private static final String DISABLE = "UPDATE webhook SET enabled = false WHERE id = ANY($1::uuid[])";

  private final Pool pool;
  private final AppConfig.Webhooks settings;
  private final RequestLoad load;
  private final DeliveryPace pace;
  private final Counter succeeded;
  private final Counter retried;
  private final Counter failed;
  private WebClient client;
  // Confined to this verticle's event loop.
  private int inFlight;
  private List<Outcome> outcomes = new ArrayList<>();
  private boolean cycling;
  private boolean again;
  private boolean writing;
  private boolean failing;
  private boolean stopping;
  /**
   * Whether the last cycle found an enabled endpoint. Without one a moving feed does not start cycles (each is a
   * transaction, and the feed moves dozens of times a second under load); the timer's cycles still move the fan-out
   * position, and find an endpoint registered on another node.
   */
  private boolean endpoints = true;
  /** Whether the last take found as many due deliveries as it had room for: there are more. */
  private boolean backlog;

  /** {@code pool}: the background connections, which plan with index scans only (see {@code Database.Clients}). */
  public WebhookDispatcher(Pool pool, AppConfig.Webhooks settings, RequestLoad load, MeterRegistry registry) {
    this.pool = pool;
    this.settings = settings;
    this.load = load;
    this.pace = new DeliveryPace(settings.yieldAboveRequests(),
      FLOOR_PER_CYCLE * 1000.0 / settings.pollInterval().toMillis());
    this.succeeded = deliveries(registry, "succeeded");
    this.retried = deliveries(registry, "retried");
    this.failed = deliveries(registry, "failed");
    Gauge.builder("inbox_allocation_webhook_dispatch_yielding", pace, p -> p.limited() ? 1 : 0)
      .description("1 while this node's webhook deliveries give way to its API requests (WEBHOOK_YIELD_ABOVE_REQUESTS):"
        + " slower, at least " + FLOOR_PER_CYCLE + " per WEBHOOK_POLL_INTERVAL_MS; 0 at full pace").register(registry);
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setKeepAlive(true)
        .setConnectTimeout((int) settings.timeout().toMillis()).setUserAgent("inbox-allocation-webhooks"),
      new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_HOST));
    Bus.subscribe(vertx, FeedBatch.class, batch -> {
      if (endpoints) {
        cycle();
      }
    });
    Bus.subscribe(vertx, Wake.class, wake -> cycle());
    long period = settings.pollInterval().toMillis();
    vertx.setPeriodic(period, tick -> {
      if (pace.limited()) {
        // The pace bounds the deliveries created and taken: none created while those due already fill a cycle (each
        // event makes one per endpoint, so fanning out at the pace would create several times what is taken). With
        // no endpoint enabled the fan-out creates none and only moves its position, so it keeps up.
        int allowed = pace.perCycle(period);
        cycle(!endpoints ? FAN_OUT_EVENTS : backlog ? 0 : allowed, allowed);
      } else {
        cycle();
      }
    });
    if (settings.yieldAboveRequests() > 0) {
      vertx.setPeriodic(DeliveryPace.SAMPLE_MILLIS, sample -> {
        if (pace.sample(load.inFlight())) {
          cycle();
        }
      });
    }
    cycle();
    return Future.succeededFuture();
  }

  /** Attempts in flight finish and are written (for at most a few seconds): a restart then repeats none of them. */
  @Override
  public Future<?> stop() {
    stopping = true;
    Promise<Void> idle = Promise.promise();
    long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
    vertx.setPeriodic(20, check -> {
      if ((inFlight == 0 && outcomes.isEmpty() && !writing) || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(check);
        idle.complete();
      }
    });
    return idle.future().onComplete(stopped -> client.close());
  }

  /** A cycle at full pace; none while the pace is limited (then the timer's alone). */
  private void cycle() {
    if (!pace.limited()) {
      cycle(FAN_OUT_EVENTS, MAX_IN_FLIGHT);
    }
  }

  /** Fans out up to {@code events} events, then takes up to {@code deliveries} due deliveries. */
  private void cycle(int events, int deliveries) {
    if (stopping) {
      return;
    }
    if (cycling) {
      again = true;
      return;
    }
    cycling = true;
    again = false;
    fanOut(events)
      .compose(moreEvents -> endpoints ? take(deliveries).map(full -> moreEvents || full)
        : Future.succeededFuture(moreEvents))
      .onComplete(done -> {
        cycling = false;
        if (done.failed() && !failing) {
          LOG.warn("webhook dispatcher: {}; retrying every {} ms", done.cause().getMessage(),
            settings.pollInterval().toMillis());
        }
        failing = done.failed();
        if (again || (done.succeeded() && done.result())) {
          cycle();
        }
      });
  }

  /** Fans out up to {@code events} events (none: no statement); true when more are waiting in the feed. */
  private Future<Boolean> fanOut(int events) {
    if (events == 0) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery(FAN_OUT).execute(Tuple.of(events)).map(rows -> {
      Row fanOut = rows.iterator().next();
      endpoints = fanOut.getBoolean("endpoints");
      return fanOut.getLong("remaining") > 0;
    });
  }

  /**
   * Takes as many due deliveries as there is room for, up to {@code limit}, and starts them; true when it took that
   * many.
   */
  private Future<Boolean> take(int limit) {
    int room = Math.min(MAX_IN_FLIGHT - inFlight, limit);
    if (room <= 0) {
      return Future.succeededFuture(false);
    }
    long lease = settings.timeout().toMillis() + LEASE_MARGIN_MILLIS;
    return pool.preparedQuery(TAKE).execute(Tuple.of(room, lease)).map(rows -> {
      pace.started(rows.size());
      for (Row row : rows) {
        inFlight++;
        attempt(new Taken(row.getLong("id"), row.getUUID("webhook_id"), row.getInteger("attempts"),
          row.getString("payload"), row.getString("url"), row.getString("secret"), row.getString("previous_secret")));
      }
      backlog = rows.size() == room;
      return backlog;
    });
  }

  private void attempt(Taken delivery) {
    long timeout = settings.timeout().toMillis();
    String messageId = "msg_" + delivery.id();
    long timestamp = System.currentTimeMillis() / 1000;
    Future.succeededFuture()
      .compose(start -> client.postAbs(delivery.url()).timeout(timeout).as(BodyCodec.none())
        .putHeader("content-type", "application/json")
        .putHeader("webhook-id", messageId)
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", Secrets.signature(messageId, timestamp, delivery.payload(), delivery.secret(),
          delivery.previousSecret()))
        .sendBuffer(Buffer.buffer(delivery.payload())))
      .timeout(timeout, TimeUnit.MILLISECONDS)
      .map(response -> answered(delivery, response))
      .otherwise(failure -> retry(delivery, null, failure instanceof TimeoutException
        ? "no answer within " + timeout + " ms" : String.valueOf(failure.getMessage()), null))
      .onSuccess(outcome -> {
        inFlight--;
        outcomes.add(outcome);
        write();
      });
  }

  private Outcome answered(Taken delivery, HttpResponse<Void> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Outcome(delivery, Delivery.Status.SUCCEEDED, null, status, null, false);
    }
    if (status == 410) {
      return new Outcome(delivery, Delivery.Status.FAILED, null, status, "410 Gone: the endpoint is disabled", true);
    }
    String error = status >= 300 && status < 400 ? "redirect " + status + " not followed" : "HTTP " + status;
    Duration retryAfter = status == 429 || status == 503 ? retryAfter(response.getHeader("retry-after")) : null;
    return retry(delivery, status, error, retryAfter);
  }

  /**
   * The next step of the schedule, ±20%; a receiver's Retry-After shortens it, never lengthens it. After the last
   * step the delivery has FAILED for good.
   */
  private Outcome retry(Taken delivery, Integer status, String error, Duration retryAfter) {
    List<Duration> schedule = settings.retrySchedule();
    if (delivery.attempts() > schedule.size()) {
      return new Outcome(delivery, Delivery.Status.FAILED, null, status, error, false);
    }
    long step = schedule.get(delivery.attempts() - 1).toMillis();
    long jittered = Math.round(step * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    long wait = retryAfter == null ? jittered : Math.min(retryAfter.toMillis(), step);
    return new Outcome(delivery, Delivery.Status.PENDING, wait, status, error, false);
  }

  /** Writes the outcomes gathered so far in one statement; those that arrive meanwhile go in the next. */
  private void write() {
    if (writing || outcomes.isEmpty()) {
      return;
    }
    writing = true;
    List<Outcome> batch = outcomes;
    outcomes = new ArrayList<>();
    List<UUID> gone = batch.stream().filter(Outcome::disable).map(outcome -> outcome.delivery().webhookId())
      .distinct().toList();
    pool.preparedQuery(RECORD).execute(Tuple.of(
        batch.stream().map(outcome -> outcome.delivery().id()).toArray(Long[]::new),
        batch.stream().map(outcome -> outcome.delivery().attempts()).toArray(Integer[]::new),
        batch.stream().map(outcome -> outcome.status().name()).toArray(String[]::new),
        batch.stream().map(Outcome::delayMillis).toArray(Long[]::new),
        batch.stream().map(Outcome::statusCode).toArray(Integer[]::new),
        batch.stream().map(Outcome::error).toArray(String[]::new)))
      .compose(written -> gone.isEmpty() ? Future.succeededFuture()
        : paused(pool, DISABLE, Tuple.of(gone.toArray(UUID[]::new))))
      .onComplete(done -> {
        writing = false;
        if (done.succeeded()) {
          batch.forEach(outcome -> (switch (outcome.status()) {
            case SUCCEEDED -> succeeded;
            case PENDING -> retried;
            case FAILED -> failed;
          }).increment());
        } else {
          // Not written: each is due again when its lease runs out, and is sent again with the same webhook-id.
          LOG.warn("webhook dispatcher: {} outcomes not written ({}); they will be attempted again",
            batch.size(), done.cause().getMessage());
        }
        write();
        cycle();
      });
  }

  /**
   * Runs {@code sql}, a change to endpoints that touches their deliveries (delete's cascade, the trigger of an enable
   * or a disable), once no fan-out or outcome is being written, and holds them off until it commits: outcomes lock
   * deliveries in their order, the change in its own, and the two would deadlock (a PATCH during a backlog did).
   */
  static Future<RowSet<Row>> paused(Pool pool, String sql, Tuple args) {
    return pool.withTransaction(conn -> conn.query(PAUSE).execute()
      .compose(pause -> conn.preparedQuery(sql).execute(args)));
  }

  /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(),
          ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  private static Counter deliveries(MeterRegistry registry, String result) {
    return Counter.builder("inbox_allocation_webhook_deliveries").tag("result", result)
      .description("Webhook delivery attempts by outcome: succeeded, retried (failed, to be attempted again), failed "
        + "(for good: the schedule ran out or the endpoint answered 410)").register(registry);
  }

  private record Taken(long id, UUID webhookId, int attempts, String payload, String url, String secret,
                       String previousSecret) {
  }

  private record Outcome(Taken delivery, Delivery.Status status, Long delayMillis, Integer statusCode, String error,
                         boolean disable) {
  }
}
