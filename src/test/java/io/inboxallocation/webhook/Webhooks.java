package io.inboxallocation.webhook;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Steps the webhook tests share: register an endpoint, make conversation events, read the deliveries' table. */
final class Webhooks {

  /** Waits of the tests' schedule: nine steps, as the default, in a few seconds in all. */
  static final String FAST_SCHEDULE = "100ms,200ms,300ms,400ms,500ms,500ms,500ms,500ms,500ms";

  static Map<String, String> settings() {
    return Map.of("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true", "WEBHOOK_TIMEOUT_MS", "400",
      "WEBHOOK_RETRY_SCHEDULE", FAST_SCHEDULE, "WEBHOOK_POLL_INTERVAL_MS", "50");
  }

  private Webhooks() {
  }

  /** A node of its own: the tests' webhook settings, and {@code overrides} on top. */
  static TestService service(Vertx vertx, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(settings());
    settings.putAll(overrides);
    return TestService.start(vertx, settings);
  }

  /** Registers an endpoint for every type on the receiver, which then trusts its secret and is up; its body. */
  static JsonObject registerOn(Scenario s, WebhookReceiver receiver) {
    JsonObject webhook = register(s, receiver.url());
    receiver.trust(webhook.getString("secret")).up();
    return webhook;
  }

  /** Registers an endpoint for every type; its body, with the secret. */
  static JsonObject register(Scenario s, String url) {
    Http.Response created = s.http.post("/webhooks", s.admin, new JsonObject().put("url", url));
    assertEquals(201, created.status(), created::toString);
    return created.json();
  }

  /** A conversation created, claimed and resolved: three events. Its id. */
  static String lifecycle(Scenario s, Scenario.Person operator, String inbox) {
    String id = s.conversation(inbox).getString("id");
    assertEquals(200, Calls.claim(s, operator.token(), id).status());
    assertEquals(200, Calls.resolve(s, operator.token(), id).status());
    return id;
  }

  /** The endpoint's deliveries by status, as the table holds them. */
  static Map<String, Long> statuses(TestService app, String webhookId) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    try (Connection db = app.jdbc(); PreparedStatement sql = db.prepareStatement(
      "SELECT status, count(*) FROM webhook_delivery WHERE webhook_id = ?::uuid GROUP BY status")) {
      sql.setString(1, webhookId);
      try (ResultSet rows = sql.executeQuery()) {
        while (rows.next()) {
          counts.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return counts;
  }

  static long count(Map<String, Long> statuses) {
    return statuses.values().stream().mapToLong(Long::longValue).sum();
  }
}
