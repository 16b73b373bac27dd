package io.inboxallocation.webhook;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.WebhookReceiver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deliveries give way to the node's API requests: while more are in flight than WEBHOOK_YIELD_ABOVE_REQUESTS, each
 * timer cycle (WEBHOOK_POLL_INTERVAL_MS) sends at most a few, and creates no more than it can send; once the requests
 * are served, the rest follow at once, none lost.
 */
@ExtendWith(VertxExtension.class)
class WebhookYieldTest {

  private static final long POLL_INTERVAL_MILLIS = 2_000;
  private static final int HELD_REQUESTS = 8;
  private static final int CONVERSATIONS = 60;
  /** Endpoints on the receiver: each event makes one delivery per endpoint. */
  private static final int ENDPOINTS = 3;
  private static final int FLOOR_PER_CYCLE = 16;

  @Test
  void deliveriesTrickleWhileRequestsPileUpAndCatchUpInOrderOnceTheyAreServed(Vertx vertx) throws Exception {
    // The held requests wait through several timer cycles: longer than the default request timeout of 10 s.
    TestService own = Webhooks.service(vertx, Map.of("WEBHOOK_YIELD_ABOVE_REQUESTS", "4",
      "WEBHOOK_POLL_INTERVAL_MS", Long.toString(POLL_INTERVAL_MILLIS), "REQUEST_TIMEOUT_MS", "30000"));
    try (WebhookReceiver receiver = new WebhookReceiver(vertx); Connection locker = own.jdbc()) {
      Scenario s = Tenants.create(own);
      List<String> secrets = new ArrayList<>();
      for (int i = 0; i < ENDPOINTS; i++) {
        secrets.add(Webhooks.register(s, receiver.url()).getString("secret"));
      }
      receiver.trust(secrets.toArray(String[]::new)).up();
      String inbox = s.inbox();
      assertEquals(0, gauge(own, "inbox_allocation_webhook_dispatch_yielding"));

      // Label creations that cannot finish: the table is locked, so they stay in flight.
      locker.setAutoCommit(false);
      try (Statement lock = locker.createStatement()) {
        lock.execute("LOCK TABLE label IN EXCLUSIVE MODE");
      }
      List<Future<Http.Response>> held = new ArrayList<>();
      for (int i = 0; i < HELD_REQUESTS; i++) {
        held.add(s.http.send(HttpMethod.POST, "/labels", s.admin,
          new JsonObject().put("inboxId", inbox).put("name", "held " + i)));
      }
      Calls.await(Duration.ofSeconds(5), () -> "yielding to the requests in flight",
        () -> gauge(own, "inbox_allocation_webhook_dispatch_yielding") == 1);
      assertTrue(gauge(own, "inbox_allocation_requests_in_flight") >= HELD_REQUESTS);

      long start = System.nanoTime();
      List<String> conversations = new ArrayList<>();
      for (int i = 0; i < CONVERSATIONS; i++) {
        conversations.add(s.conversation(inbox).getString("id"));
      }
      // Three timer cycles at least after the last event, each of which may take 16 deliveries.
      Thread.sleep(POLL_INTERVAL_MILLIS * 7 / 2);
      int arrived = receiver.requests();
      long cycles = (System.nanoTime() - start) / 1_000_000 / POLL_INTERVAL_MILLIS + 1;
      assertTrue(arrived <= cycles * FLOOR_PER_CYCLE, arrived + " deliveries in " + cycles
        + " timer cycles while yielding");
      assertTrue(arrived < CONVERSATIONS * ENDPOINTS, "still behind while yielding: " + arrived);
      // The fan-out waits while the deliveries due fill a cycle: those created run ahead of those attempted by fewer
      // than a cycle's worth (left when a take was not full) plus one cycle's events, at most. Fanning out at the
      // pace would create ENDPOINTS times what is taken, every cycle: 32 more each time here.
      long[] made = deliveries(own);
      assertTrue(made[0] - made[1] <= (long) FLOOR_PER_CYCLE * (ENDPOINTS + 1), made[0] + " deliveries created, "
        + made[1] + " attempted, while yielding");

      locker.commit();
      for (Future<Http.Response> request : held) {
        assertEquals(201, request.toCompletionStage().toCompletableFuture().get().status());
      }
      Calls.await(Duration.ofSeconds(5), () -> "full pace again",
        () -> gauge(own, "inbox_allocation_webhook_dispatch_yielding") == 0);
      // What is left goes out within one timer period: faster than the floor of 16 per period.
      Calls.await(Duration.ofMillis(POLL_INTERVAL_MILLIS), () -> "caught up: " + receiver.accepted().size(),
        () -> receiver.accepted().size() == CONVERSATIONS * ENDPOINTS);
      assertTrue(receiver.received().stream().allMatch(WebhookReceiver.Received::valid));
      assertEquals(Set.copyOf(conversations), receiver.accepted().values().stream()
        .map(r -> r.body().getJsonObject("data").getString("conversationId")).collect(Collectors.toSet()),
        "each conversation's creation arrived");
    } finally {
      own.dropDatabase();
    }
  }

  /** The deliveries in the table, and those attempted at least once. */
  private static long[] deliveries(TestService service) throws Exception {
    try (Connection db = service.jdbc(); Statement sql = db.createStatement();
         ResultSet counts = sql.executeQuery(
           "SELECT count(*), count(*) FILTER (WHERE attempts > 0) FROM webhook_delivery")) {
      counts.next();
      return new long[] {counts.getLong(1), counts.getLong(2)};
    }
  }

  /** A gauge of the node's metrics, without tags. */
  private static long gauge(TestService service, String name) {
    String metrics = service.management.get("/metrics", null).body();
    Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
    assertTrue(value.find(), name + " is exported");
    return Math.round(Double.parseDouble(value.group(1)));
  }
}
