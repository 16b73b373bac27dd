package io.inboxallocation.assignment;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Parallel;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PUSH mode: a queued conversation reaches a free operator within a second of the change that made it possible,
 * highest priority first, fairly, and never to an operator who is OFFLINE, unsubscribed or at capacity.
 */
class PushAssignmentTest extends ServiceTest {

  static final Duration TARGET = Duration.ofSeconds(1);

  @Test
  void aNewConversationGoesToAnEligibleOperatorWithinASecondAndNeverToAnIneligibleOne() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person offline = s.person("OPERATOR");
    s.subscribe(offline.id(), inbox);
    Scenario.Person unsubscribed = s.availableOperator(s.inbox());
    Calls.patchTenant(s, new JsonObject().put("assignmentMode", "PUSH"));

    String waiting = s.conversation(inbox).getString("id");
    sleep(Duration.ofMillis(1_500));
    assertEquals("QUEUED", Calls.get(s, waiting).getString("state"), "nobody eligible: it waits");

    Scenario.Person eligible = timed(() -> s.availableOperator(inbox));
    assertPushedTo(s, waiting, eligible, "an operator going AVAILABLE");
    String next = timed(() -> s.conversation(inbox).getString("id"));
    assertPushedTo(s, next, eligible, "a new conversation");
    JsonObject allocated = allocatedEvent(s, next);
    assertEquals("PUSH", allocated.getString("reason"));
    assertEquals(eligible.id(), allocated.getString("operatorId"));
    assertEquals(List.of(), Calls.listIds(s, s.admin, "assignedOperatorId=" + offline.id()));
    assertEquals(List.of(), Calls.listIds(s, s.admin, "assignedOperatorId=" + unsubscribed.id()));
  }

  @Test
  void anOperatorGoingAvailableDrainsTheBacklogInPriorityOrderUpToTheirCapacity() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Calls.patchTenant(s, new JsonObject().put("assignmentMode", "PUSH").put("defaultMaxConcurrent", 3));
    List<String> byPriority = new ArrayList<>();
    for (int messages : new int[] {50, 40, 30, 20, 10}) {
      byPriority.add(Calls.conversation(s, inbox, messages, Instant.now()).getString("id"));
    }
    Scenario.Person operator = s.person("OPERATOR");
    s.subscribe(operator.id(), inbox);
    timed(() -> {
      s.setStatus(operator, "AVAILABLE");
      return null;
    });
    for (String id : byPriority.subList(0, 3)) {
      assertPushedTo(s, id, operator, "going AVAILABLE");
    }
    List<Long> order = byPriority.subList(0, 3).stream().map(id -> allocatedEvent(s, id).getLong("id")).toList();
    assertEquals(order.stream().sorted().toList(), order, "highest priority first");
    assertEquals("QUEUED", Calls.get(s, byPriority.get(3)).getString("state"), "capacity 3");

    timed(() -> Calls.resolve(s, operator.token(), byPriority.get(0)));
    assertPushedTo(s, byPriority.get(3), operator, "a resolve");
    assertEquals("QUEUED", Calls.get(s, byPriority.get(4)).getString("state"));
  }

  @Test
  void releasesMovesReopensNewSubscriptionsAndHigherCapacityAllTriggerAssignment() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String unwatched = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    Calls.patchTenant(s, new JsonObject().put("assignmentMode", "PUSH"));
    http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("maxConcurrent", 1));

    String held = timed(() -> s.conversation(inbox).getString("id"));
    assertPushedTo(s, held, operator, "a new conversation");
    String second = s.conversation(inbox).getString("id");
    sleep(Duration.ofMillis(300));
    assertEquals("QUEUED", Calls.get(s, second).getString("state"), "at capacity");
    timed(() -> http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("maxConcurrent", 2)));
    assertPushedTo(s, second, operator, "a higher capacity");

    timed(() -> Calls.deallocate(s, operator.token(), held));
    assertPushedTo(s, held, operator, "a release");
    assertEquals(List.of("CREATED", "ALLOCATED", "RELEASED", "ALLOCATED"), Calls.eventTypes(s, held));

    assertEquals(200, Calls.resolve(s, operator.token(), held).status());
    assertEquals(200, Calls.resolve(s, operator.token(), second).status());
    String elsewhere = s.conversation(unwatched).getString("id");
    sleep(Duration.ofMillis(300));
    assertEquals("QUEUED", Calls.get(s, elsewhere).getString("state"), "nobody subscribed there");
    timed(() -> Calls.move(s, s.admin, elsewhere, inbox));
    assertPushedTo(s, elsewhere, operator, "a move");

    String another = s.conversation(unwatched).getString("id");
    timed(() -> s.subscribe(operator.id(), unwatched));
    assertPushedTo(s, another, operator, "a new subscription");

    assertEquals(200, Calls.resolve(s, operator.token(), elsewhere).status());
    assertEquals(200, Calls.resolve(s, operator.token(), another).status());
    JsonObject resolved = Calls.get(s, elsewhere);
    timed(() -> Calls.upsert(s, new JsonObject().put("inboxId", inbox)
      .put("externalConversationId", resolved.getString("externalConversationId"))
      .put("customerPhoneNumber", resolved.getString("customerPhoneNumber"))
      .put("lastMessageAt", Instant.now().toString()).put("messageCount", 9)));
    assertPushedTo(s, elsewhere, operator, "a reopen");
  }

  @Test
  void switchingToPushDrainsTheWholeBacklog() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    List<Scenario.Person> operators = List.of(s.availableOperator(inbox), s.availableOperator(inbox));
    List<String> backlog = Parallel.map(30, 4, i -> s.conversation(inbox).getString("id"));
    sleep(Duration.ofMillis(300));
    assertEquals(30, Calls.listIds(s, s.admin, "state=QUEUED&limit=100").size(), "PULL: nothing moves by itself");
    timed(() -> Calls.patchTenant(s, new JsonObject().put("assignmentMode", "PUSH")));
    Calls.await(TARGET, () -> "the backlog drained", () -> Calls.listIds(s, s.admin, "state=QUEUED&limit=100").isEmpty());
    Map<String, Integer> perOperator = perOperator(s, backlog);
    assertEquals(Map.of(operators.get(0).id(), 15, operators.get(1).id(), 15), perOperator);
  }

  @Test
  void equalOperatorsGetAnEqualShare() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    List<Scenario.Person> operators = Parallel.map(10, 4, i -> s.availableOperator(inbox));
    Calls.patchTenant(s, new JsonObject().put("assignmentMode", "PUSH"));
    List<String> conversations = Parallel.map(300, 8, i -> s.conversation(inbox).getString("id"));
    Calls.await(Duration.ofSeconds(5), () -> "all 300 assigned",
      () -> Calls.listIds(s, s.admin, "state=QUEUED&limit=10").isEmpty());
    Map<String, Integer> perOperator = perOperator(s, conversations);
    assertEquals(10, perOperator.size(), perOperator::toString);
    for (Scenario.Person operator : operators) {
      int share = perOperator.get(operator.id());
      assertTrue(share >= 24 && share <= 36, "within 20% of the mean of 30: " + perOperator);
    }
  }

  // ---------------------------------------------------------------- helpers

  private long triggeredAt;

  /** Runs the change that should trigger an assignment, and notes when it was answered. */
  private <T> T timed(Supplier<T> change) {
    T result = change.get();
    triggeredAt = System.nanoTime();
    return result;
  }

  /** The conversation is ALLOCATED to the operator, within a second of the last {@link #timed} change. */
  private void assertPushedTo(Scenario s, String conversationId, Scenario.Person operator, String trigger) {
    long deadline = triggeredAt + TARGET.toNanos();
    while (true) {
      JsonObject conversation = Calls.get(s, conversationId);
      if ("ALLOCATED".equals(conversation.getString("state"))) {
        assertEquals(operator.id(), conversation.getString("assignedOperatorId"), trigger);
        return;
      }
      assertTrue(System.nanoTime() < deadline, trigger + ": not assigned within " + TARGET.toMillis() + " ms");
      sleep(Duration.ofMillis(10));
    }
  }

  private static JsonObject allocatedEvent(Scenario s, String conversationId) {
    JsonArray events = Calls.events(s, conversationId);
    for (int i = events.size() - 1; i >= 0; i--) {
      if ("ALLOCATED".equals(events.getJsonObject(i).getString("type"))) {
        return events.getJsonObject(i);
      }
    }
    throw new AssertionError("no ALLOCATED event: " + events);
  }

  private static Map<String, Integer> perOperator(Scenario s, List<String> conversations) {
    Map<String, Integer> counts = new HashMap<>();
    for (String id : conversations) {
      counts.merge(Calls.get(s, id).getString("assignedOperatorId"), 1, Integer::sum);
    }
    return counts;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
