package io.inboxallocation.webhook;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.WebhookReceiver;
import io.inboxallocation.testing.WebhookReceiver.Answer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.inboxallocation.webhook.Webhooks.count;
import static io.inboxallocation.webhook.Webhooks.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deliveries to a real receiver that verifies every signature with the Standard Webhooks library, through an outage,
 * timeouts, errors, rate limits, redirects, a 410 and a rotation, with a schedule compressed to seconds.
 */
class WebhookDeliveryTest extends WebhookServiceTest {

  @Test
  void everyEventArrivesSignedAndInOrderPerConversationThroughAnOutageTimeoutsErrorsAndRedirects() throws Exception {
    Scenario s = Tenants.create(app);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      JsonObject webhook = Webhooks.register(s, receiver.url());
      String webhookId = webhook.getString("id");
      receiver.trust(webhook.getString("secret"));
      String inbox = s.inbox();
      Scenario.Person ann = s.availableOperator(inbox);
      List<String> conversations = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        conversations.add(Webhooks.lifecycle(s, ann, inbox));
      }
      // Down: attempts fail and are scheduled again.
      Calls.await(Duration.ofSeconds(5), () -> "attempts failed while the receiver was down",
        () -> s.http.get("/webhooks/" + webhookId + "/deliveries?status=PENDING", s.admin).items().stream()
          .anyMatch(d -> ((JsonObject) d).getString("lastError") != null));

      receiver.answer(n -> switch (n) {
        case 1 -> new Answer(200, 1_500, Map.of()); // past WEBHOOK_TIMEOUT_MS
        case 2 -> Answer.status(500);
        case 3 -> new Answer(429, 0, Map.of("Retry-After", "0"));
        case 4 -> new Answer(302, 0, Map.of("Location", "http://example.com/elsewhere"));
        case 5 -> new Answer(503, 0, Map.of("Retry-After", "1"));
        default -> Answer.OK;
      }).up();

      Calls.await(Duration.ofSeconds(20), () -> "every delivery succeeded: " + safeStatuses(webhookId),
        () -> Map.of("SUCCEEDED", 19L).equals(safeStatuses(webhookId)));
      Map<String, WebhookReceiver.Received> accepted = receiver.accepted();
      assertEquals(19, accepted.size(), "6 conversations x 3 events and ann's status change, each accepted once");
      assertTrue(receiver.requests() >= 19 + 5, "the failures were answered too: " + receiver.requests());
      assertTrue(receiver.received().stream().allMatch(WebhookReceiver.Received::valid), "every signature verifies");
      for (String conversation : conversations) {
        List<Long> ids = receiver.eventIdsByConversation().get(conversation);
        assertEquals(ids.stream().sorted().toList(), ids, "in order: " + conversation);
        List<String> types = accepted.values().stream()
          .filter(r -> conversation.equals(r.body().getJsonObject("data").getString("conversationId")))
          .map(r -> r.body().getString("type")).toList();
        assertEquals(List.of("conversation.created", "conversation.allocated", "conversation.resolved"), types);
      }
      WebhookReceiver.Received status = accepted.values().stream()
        .filter(r -> r.body().getString("type").equals("operator.status_changed")).findFirst().orElseThrow();
      assertEquals("OPERATOR_STATUS_CHANGED", status.body().getJsonObject("data").getString("type"));
      assertTrue(Instant.parse(status.body().getString("timestamp")).isBefore(Instant.now()));
    }
  }

  @Test
  void theScheduleRunsOutIntoFailedAndARetrySendsItAgainWithTheSameWebhookId() throws Exception {
    Scenario s = Tenants.create(app);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      JsonObject webhook = Webhooks.register(s, receiver.url());
      String path = "/webhooks/" + webhook.getString("id");
      receiver.trust(webhook.getString("secret")).answer(n -> Answer.status(500)).up();
      Http.Response test = s.http.post(path + "/test", s.admin, null);
      assertEquals(202, test.status(), test::toString);
      long deliveryId = test.json().getLong("id");
      assertEquals(409, s.http.post(path + "/deliveries/" + deliveryId + "/retry", s.admin, null).status(),
        "a PENDING delivery is already on its way");

      Calls.await(Duration.ofSeconds(10), () -> "the dead letter", () -> "FAILED".equals(delivery(s, path, deliveryId)
        .getString("status")));
      JsonObject failed = delivery(s, path, deliveryId);
      assertEquals(10, failed.getInteger("attempts"), "the first attempt and one per step of the schedule");
      assertEquals(500, failed.getInteger("lastStatusCode"));
      assertEquals(10, receiver.requests());
      assertEquals(Set.of("msg_" + deliveryId), receiver.received().stream().map(WebhookReceiver.Received::webhookId)
        .collect(Collectors.toSet()));
      assertEquals("webhook.test", receiver.received().get(0).body().getString("type"));

      receiver.answer(n -> Answer.OK);
      assertEquals(202, s.http.post(path + "/deliveries/" + deliveryId + "/retry", s.admin, null).status());
      Calls.await(Duration.ofSeconds(5), () -> "the retry succeeded", () -> "SUCCEEDED".equals(
        delivery(s, path, deliveryId).getString("status")));
      assertEquals("msg_" + deliveryId, receiver.accepted().keySet().iterator().next());
    }
  }

  @Test
  void a410DisablesTheEndpointAndRecoverSendsWhatFailedOnceItIsEnabledAgain() throws Exception {
    Scenario s = Tenants.create(app);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      Instant since = Instant.now().minusSeconds(1);
      JsonObject webhook = Webhooks.register(s, receiver.url());
      String webhookId = webhook.getString("id");
      String path = "/webhooks/" + webhookId;
      receiver.trust(webhook.getString("secret")).answer(n -> n == 1 ? Answer.status(410) : Answer.OK).up();
      long deliveryId = s.http.post(path + "/test", s.admin, null).json().getLong("id");

      Calls.await(Duration.ofSeconds(5), () -> "disabled", () -> !s.http.get(path, s.admin).json().getBoolean("enabled"));
      JsonObject gone = delivery(s, path, deliveryId);
      assertEquals("FAILED", gone.getString("status"));
      assertEquals(410, gone.getInteger("lastStatusCode"));
      s.conversation(s.inbox());
      Thread.sleep(300);
      assertEquals(1, count(statuses(app, webhookId)), "a disabled endpoint gets no new deliveries");
      assertEquals(409, s.http.post(path + "/test", s.admin, null).status(), "nor tests");

      assertEquals(200, s.http.patch(path, s.admin, new JsonObject().put("enabled", true)).status());
      Http.Response recovered = s.http.post(path + "/recover", s.admin, new JsonObject().put("since", since.toString()));
      assertEquals(202, recovered.status(), recovered::toString);
      assertEquals(1, recovered.json().getLong("recovered"));
      Calls.await(Duration.ofSeconds(5), () -> "recovered", () -> "SUCCEEDED".equals(
        delivery(s, path, deliveryId).getString("status")));
      assertEquals(2, receiver.requests());
    }
  }

  @Test
  void deliveriesWaitWhileTheEndpointIsDisabledAndGoInOrderOnceItIsEnabledAgain() throws Exception {
    Scenario s = Tenants.create(app);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      JsonObject webhook = Webhooks.register(s, receiver.url());
      String webhookId = webhook.getString("id");
      String path = "/webhooks/" + webhookId;
      receiver.trust(webhook.getString("secret"));
      String inbox = s.inbox();
      Scenario.Person ann = s.availableOperator(inbox);
      List<String> conversations = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        conversations.add(Webhooks.lifecycle(s, ann, inbox));
      }
      Calls.await(Duration.ofSeconds(5), () -> "every delivery created: " + safeStatuses(webhookId),
        () -> Map.of("PENDING", 10L).equals(safeStatuses(webhookId)));
      List<JsonObject> waiting = pending(s, path);
      assertEquals(4, waiting.stream().filter(d -> d.getString("nextAttemptAt") != null).count(),
        "one due per conversation and one for ann's status change; the others wait for them: " + waiting);

      assertEquals(200, s.http.patch(path, s.admin, new JsonObject().put("enabled", false)).status());
      // An attempt in flight when it was disabled finishes first.
      Calls.await(Duration.ofSeconds(5), () -> "nothing of a disabled endpoint is due",
        () -> pending(s, path).stream().allMatch(d -> d.getString("nextAttemptAt") == null));
      receiver.up();
      Thread.sleep(500);
      assertEquals(0, receiver.requests(), "a disabled endpoint is not called");

      assertEquals(200, s.http.patch(path, s.admin, new JsonObject().put("enabled", true)).status());
      Calls.await(Duration.ofSeconds(10), () -> "delivered once enabled: " + safeStatuses(webhookId),
        () -> Map.of("SUCCEEDED", 10L).equals(safeStatuses(webhookId)));
      assertEquals(10, receiver.requests(), "each once");
      for (String conversation : conversations) {
        List<Long> ids = receiver.eventIdsByConversation().get(conversation);
        assertEquals(3, ids.size());
        assertEquals(ids.stream().sorted().toList(), ids, "in order: " + conversation);
      }
    }
  }

  /**
   * Disabling an endpoint takes its pending deliveries out of the due range, row by row, while outcomes are being
   * written for some of the same rows: the two must not deadlock (a PATCH answered 409 "retry" in the benchmark).
   */
  @Test
  void anEndpointTurnedOffAndOnWhileItsBacklogGoesOutAnswersEveryTimeAndLosesNothing() throws Exception {
    int backlog = 20_000;
    Scenario s = Tenants.create(app);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      JsonObject webhook = Webhooks.register(s, receiver.url());
      String webhookId = webhook.getString("id");
      String path = "/webhooks/" + webhookId;
      assertEquals(200, s.http.patch(path, s.admin, new JsonObject().put("enabled", false)).status());
      // The backlog straight into the table, in lines of ten (as ten events of one conversation), due once enabled:
      // each outcome written then makes the next of its line due, as a disable takes them all out.
      try (Connection db = app.jdbc(); PreparedStatement insert = db.prepareStatement("""
        INSERT INTO webhook_delivery (tenant_id, webhook_id, type, ordering_key, payload)
        SELECT w.tenant_id, w.id, 'webhook.test', md5((n % ?)::text)::uuid,
               webhook_payload('webhook.test', now(), json_build_object('n', n)::text)
        FROM webhook w, generate_series(1, ?) n WHERE w.id = ?::uuid ORDER BY n""")) {
        insert.setInt(1, backlog / 10);
        insert.setInt(2, backlog);
        insert.setString(3, webhookId);
        assertEquals(backlog, insert.executeUpdate());
      }
      receiver.trust(webhook.getString("secret")).up();
      assertEquals(200, s.http.patch(path, s.admin, new JsonObject().put("enabled", true)).status());
      Calls.await(Duration.ofSeconds(10), () -> "under way", () -> receiver.requests() > 0);
      int toggles = 0;
      while (receiver.accepted().size() < backlog * 3 / 4 && toggles < 40) {
        for (boolean enabled : new boolean[] {false, true}) {
          Http.Response toggled = s.http.patch(path, s.admin, new JsonObject().put("enabled", enabled));
          assertEquals(200, toggled.status(), () -> "toggle " + enabled + ": " + toggled);
        }
        toggles++;
      }
      assertTrue(toggles >= 3, "toggled while the backlog went out: " + toggles);
      Calls.await(Duration.ofSeconds(60), () -> "delivered: " + safeStatuses(webhookId),
        () -> Map.of("SUCCEEDED", (long) backlog).equals(safeStatuses(webhookId)));
      assertEquals(backlog, receiver.accepted().size(), "each delivery accepted");
      assertTrue(receiver.received().stream().allMatch(WebhookReceiver.Received::valid));
    }
  }

  @Test
  void afterARotationBothSecretsSignForADay() throws Exception {
    Scenario s = Tenants.create(app);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      JsonObject webhook = Webhooks.register(s, receiver.url());
      String path = "/webhooks/" + webhook.getString("id");
      String old = webhook.getString("secret");
      Http.Response rotated = s.http.post(path + "/rotate-secret", s.admin, null);
      assertEquals(200, rotated.status(), rotated::toString);
      String fresh = rotated.json().getString("secret");
      assertFalse(fresh.equals(old));
      assertEquals(fresh, s.http.get(path + "/secret", s.admin).json().getString("secret"));
      receiver.trust(old, fresh).up();
      assertEquals(202, s.http.post(path + "/test", s.admin, null).status());

      Calls.await(Duration.ofSeconds(5), () -> "delivered", () -> receiver.accepted().size() == 1);
      WebhookReceiver.Received got = receiver.received().get(0);
      assertEquals(2, got.signature().split(" ").length, got.signature());
      assertEquals(List.of(true, true), got.validPerSecret(), "each secret alone verifies it");
    }
  }

  private static JsonObject delivery(Scenario s, String path, long deliveryId) {
    return s.http.get(path + "/deliveries", s.admin).items().stream().map(JsonObject.class::cast)
      .filter(d -> d.getLong("id") == deliveryId).findFirst().orElseThrow();
  }

  private static List<JsonObject> pending(Scenario s, String path) {
    return s.http.get(path + "/deliveries?status=PENDING", s.admin).items().stream().map(JsonObject.class::cast)
      .toList();
  }

  private static Map<String, Long> safeStatuses(String webhookId) {
    try {
      return statuses(app, webhookId);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
