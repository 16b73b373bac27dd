package io.inboxallocation.webhook;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static io.inboxallocation.webhook.Webhooks.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * EVENT_RETENTION: old events and finished deliveries are deleted; a delivery still on its way is not, nor an event the
 * webhook fan-out has not reached.
 */
@ExtendWith(VertxExtension.class)
class WebhookRetentionTest {

  @Test
  void finishedDeliveriesGoAfterTheRetentionAndPendingOnesStay(Vertx vertx) throws Exception {
    // A failed attempt waits longer than the test: the down endpoint's deliveries stay PENDING throughout.
    TestService own = Webhooks.service(vertx, Map.of("EVENT_RETENTION", "PT2S", "EVENT_PURGE_INTERVAL_MS", "200",
      "WEBHOOK_RETRY_SCHEDULE", "30s"));
    try (WebhookReceiver up = new WebhookReceiver(vertx); WebhookReceiver down = new WebhookReceiver(vertx)) {
      Scenario s = Tenants.create(own);
      JsonObject delivered = Webhooks.registerOn(s, up);
      JsonObject waiting = Webhooks.register(s, down.url());
      String inbox = s.inbox();
      Webhooks.lifecycle(s, s.availableOperator(inbox), inbox);

      Calls.await(Duration.ofSeconds(5), () -> "delivered: " + safeStatuses(own, delivered),
        () -> Map.of("SUCCEEDED", 4L).equals(safeStatuses(own, delivered)));
      Calls.await(Duration.ofSeconds(10), () -> "purged: " + safeStatuses(own, delivered),
        () -> safeStatuses(own, delivered).isEmpty());
      assertEquals(Map.of("PENDING", 4L), statuses(own, waiting.getString("id")), "still on their way");
      assertEquals(0, events(own, s), "the tenant's events are older than the retention too");
    } finally {
      own.dropDatabase();
    }
  }

  @Test
  void anEventTheFanOutHasNotReachedStaysPastTheRetentionAndIsDeliveredThenPurged(Vertx vertx) throws Exception {
    TestService own = Webhooks.service(vertx, Map.of("EVENT_RETENTION", "PT1S", "EVENT_PURGE_INTERVAL_MS", "200"));
    try (WebhookReceiver receiver = new WebhookReceiver(vertx); Connection fanOut = own.jdbc()) {
      Scenario s = Tenants.create(own);
      Webhooks.registerOn(s, receiver);
      String inbox = s.inbox();
      // The fan-out waits for this lock: as if it had fallen behind (every node down, or yielding to requests).
      fanOut.setAutoCommit(false);
      try (Statement hold = fanOut.createStatement()) {
        hold.executeQuery("SELECT position FROM webhook_fanout FOR UPDATE").close();
      }
      String conversation = s.conversation(inbox).getString("id");
      Thread.sleep(2_500);
      assertEquals(1, conversationEvents(own, conversation), "older than the retention, but not fanned out yet");
      assertEquals(0, receiver.requests());

      fanOut.commit();
      Calls.await(Duration.ofSeconds(5), () -> "delivered", () -> receiver.accepted().size() == 1);
      assertEquals(conversation, receiver.accepted().values().iterator().next().body().getJsonObject("data")
        .getString("conversationId"));
      Calls.await(Duration.ofSeconds(5), () -> "purged once fanned out", () -> safeEvents(own, s) == 0);
    } finally {
      own.dropDatabase();
    }
  }

  private static long conversationEvents(TestService service, String conversation) throws Exception {
    try (Connection db = service.jdbc(); Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(
      "SELECT count(*) FROM domain_event WHERE conversation_id = '" + conversation + "'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long safeEvents(TestService service, Scenario s) {
    try {
      return events(service, s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long events(TestService service, Scenario s) throws Exception {
    try (Connection db = service.jdbc(); Statement sql = db.createStatement();
         ResultSet rows = sql.executeQuery("SELECT count(*) FROM domain_event WHERE tenant_id = '" + s.tenantId + "'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Map<String, Long> safeStatuses(TestService service, JsonObject webhook) {
    try {
      return statuses(service, webhook.getString("id"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
