package io.inboxallocation.demo;

import io.inboxallocation.auth.Role;
import io.inboxallocation.demo.DemoApi.Caller;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A gentle simulated orchestrator and team, so that there is always something to watch: every few seconds a new
 * conversation or a customer writing again, and a simulated operator taking the next conversation or resolving one
 * they hold; now and then one of them goes offline or comes back. The operators whose links are printed are left
 * to people.
 */
final class DemoTraffic {

  private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);

  static final int MIN_PAUSE_MILLIS = 2_000;
  static final int MAX_PAUSE_MILLIS = 5_000;
  /** New conversations stop at this queue depth (customers still write again), so the queue never runs away. */
  static final int QUEUE_CEILING = 100;
  private static final double NEW_CONVERSATION = 0.6;
  private static final double RESOLVE = 0.5;
  private static final double STATUS_CHANGE = 0.03;

  private final DemoApi api;
  private final DemoTenant tenant;
  private final Caller service;
  private final Random random = new Random();

  DemoTraffic(DemoApi api, DemoTenant tenant) {
    this.api = api;
    this.tenant = tenant;
    this.service = new Caller(Role.SERVICE, tenant.id(), "demo-orchestrator");
  }

  /** Runs until the process stops; a failed step (the node stopping, a lost race) is logged and the next one runs. */
  void run() {
    while (true) {
      try {
        Thread.sleep(MIN_PAUSE_MILLIS + random.nextInt(MAX_PAUSE_MILLIS - MIN_PAUSE_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        step();
      } catch (Exception e) { // Future.await() rethrows a failure as it is, a refused connection included
        LOG.warn("demo traffic: {}", e.getMessage());
      }
    }
  }

  /** One round: the orchestrator reports something, and one simulated operator works. */
  void step() {
    int queued = api.get(service, "/conversations?state=QUEUED&limit=" + QUEUE_CEILING).getJsonArray("items").size();
    if (queued < QUEUE_CEILING && random.nextDouble() < NEW_CONVERSATION) {
      newConversation();
    } else {
      customerWritesAgain();
    }
    DemoTenant.Person operator = pick(tenant.simulated());
    Caller caller = new Caller(Role.OPERATOR, tenant.id(), operator.id());
    JsonArray held = api.get(service, "/conversations?state=ALLOCATED&sort=oldest&limit=10&assignedOperatorId="
      + operator.id()).getJsonArray("items");
    if (held.isEmpty() && random.nextDouble() < STATUS_CHANGE) {
      String status = api.get(caller, "/operator-status/me").getString("status");
      api.post(caller, "/operator-status/me", new JsonObject()
        .put("status", "AVAILABLE".equals(status) ? "OFFLINE" : "AVAILABLE"));
    } else if (!held.isEmpty() && random.nextDouble() < RESOLVE) {
      api.post(caller, "/allocation/resolve", new JsonObject()
        .put("conversationId", held.getJsonObject(0).getString("id")));
    } else {
      // 204: nothing queued in their inboxes; 409: offline or at capacity. Both are part of the day.
      api.call(caller, HttpMethod.POST, "/allocation/allocate", new JsonObject(), 200, 204, 409);
    }
  }

  private void newConversation() {
    api.post(service, "/conversations", new JsonObject()
      .put("inboxId", pick(tenant.inboxes()).id())
      .put("externalConversationId", "demo-" + UUID.randomUUID())
      .put("customerPhoneNumber", DemoSeed.customerPhone(random))
      .put("messageCount", DemoSeed.messageCount(random))
      .put("lastMessageAt", Instant.now().toString()));
  }

  /** A recent conversation gets a new message; a resolved one is reopened by it. */
  private void customerWritesAgain() {
    JsonArray recent = api.get(service, "/conversations?sort=newest&limit=50").getJsonArray("items");
    if (recent.isEmpty()) {
      return;
    }
    JsonObject conversation = recent.getJsonObject(random.nextInt(recent.size()));
    api.post(service, "/conversations", new JsonObject()
      .put("inboxId", conversation.getString("inboxId"))
      .put("externalConversationId", conversation.getString("externalConversationId"))
      .put("customerPhoneNumber", conversation.getString("customerPhoneNumber"))
      .put("messageCount", conversation.getInteger("messageCount") + 1)
      .put("lastMessageAt", Instant.now().toString()));
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }
}
