package io.inboxallocation.webhook;

import io.inboxallocation.Service;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.WebhookReceiver;
import io.inboxallocation.testing.WebhookReceiver.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.inboxallocation.webhook.Webhooks.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several nodes deliver the same endpoint's events at once, and all of them restart with deliveries pending. */
class WebhookAcrossNodesTest extends WebhookServiceTest {

  @Test
  void threeNodesNeverAttemptOneDeliveryTwiceAtOnceAndDeliverEachOnceInOrder() throws Exception {
    // A timeout no answer comes near, even on a loaded machine: a second request could then only be a second node's.
    TestService own = ownService("WEBHOOK_TIMEOUT_MS", "10000");
    List<Vertx> nodes = startNodes(own, 2);
    nodes.add(own.vertx);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      Scenario s = Tenants.create(own);
      JsonObject webhook = Webhooks.register(s, receiver.url());
      receiver.trust(webhook.getString("secret")).answer(n -> new Answer(204, n % 7 == 0 ? 30 : 0, Map.of())).up();
      String inbox = s.inbox();
      Scenario.Person ann = s.availableOperator(inbox);
      List<String> conversations = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        conversations.add(Webhooks.lifecycle(s, ann, inbox));
      }
      int expected = 40 * 3 + 1;
      Calls.await(Duration.ofSeconds(20), () -> "all delivered: " + receiver.accepted().size(),
        () -> receiver.accepted().size() == expected);
      Thread.sleep(300);
      assertEquals(Map.of("SUCCEEDED", (long) expected), statuses(own, webhook.getString("id")));
      assertEquals(1, receiver.maxConcurrentPerDelivery(), "no delivery was attempted by two nodes at once");
      assertEquals(expected, receiver.requests(), "and none twice: no node died");
      assertTrue(receiver.received().stream().allMatch(WebhookReceiver.Received::valid));
      conversations.forEach(c -> {
        List<Long> ids = receiver.eventIdsByConversation().get(c);
        assertEquals(ids.stream().sorted().toList(), ids, "in order: " + c);
      });
    } finally {
      nodes.forEach(node -> node.close().await());
      own.dropDatabase();
    }
  }

  @Test
  void deliveriesPendingWhenEveryNodeRestartsStillArrive() throws Exception {
    // A database of its own, whose every node this test stops.
    // A schedule that outlasts the restart: the deliveries are still PENDING when the nodes come back.
    TestService own = ownService("WEBHOOK_RETRY_SCHEDULE", "1s,2s,4s,4s,4s,4s,4s,4s,4s");
    List<Vertx> before = startNodes(own, 2);
    before.add(own.vertx);
    try (WebhookReceiver receiver = new WebhookReceiver(app.vertx)) {
      Scenario s = Tenants.create(own);
      JsonObject webhook = Webhooks.register(s, receiver.url());
      receiver.trust(webhook.getString("secret"));
      String inbox = s.inbox();
      Scenario.Person ann = s.availableOperator(inbox);
      for (int i = 0; i < 10; i++) {
        Webhooks.lifecycle(s, ann, inbox);
      }
      int expected = 10 * 3 + 1;
      Calls.await(Duration.ofSeconds(5), () -> "deliveries pending", () -> Map.of("PENDING", (long) expected)
        .equals(statusesOf(own, webhook)));
      before.forEach(node -> node.close().await());
      List<Vertx> after = startNodes(own, 3);
      try {
        receiver.up();
        Calls.await(Duration.ofSeconds(20), () -> "all delivered after the restart: " + receiver.accepted().size(),
          () -> receiver.accepted().size() == expected);
        // The last outcomes are written a moment after the receiver answered them.
        Calls.await(Duration.ofSeconds(5), () -> "all SUCCEEDED: " + statusesOf(own, webhook),
          () -> Map.of("SUCCEEDED", (long) expected).equals(statusesOf(own, webhook)));
      } finally {
        after.forEach(node -> node.close().await());
      }
    } finally {
      own.dropDatabase();
    }
  }

  private static Map<String, Long> statusesOf(TestService service, JsonObject webhook) {
    try {
      return statuses(service, webhook.getString("id"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A service on a database of its own, with the webhook tests' settings and one more; its own Vert.x. */
  private static TestService ownService(String name, String value) {
    Map<String, String> settings = new HashMap<>(Webhooks.settings());
    settings.put(name, value);
    return TestService.start(Vertx.vertx(), settings);
  }

  /** More nodes on the test's database, each with a Vert.x of its own. */
  private static List<Vertx> startNodes(TestService service, int count) {
    List<Vertx> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Vertx node = Vertx.vertx();
      Service.start(node, service.config).await();
      nodes.add(node);
    }
    return nodes;
  }
}
