package io.inboxallocation.conversation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.inboxallocation.testing.Calls.instant;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /conversations/{id}/events: the audit trail of a conversation's whole life, in order. */
class ConversationEventsTest extends ServiceTest {

  /** What one event must say; null members are not checked (a RELEASED event's null owner after is). */
  private record Expected(String type, String reason, String actorId, String actorRole, String fromState,
                          String toState, String ownerBefore, String ownerAfter) {
  }

  @Test
  void trailOfCreateClaimDeallocateAllocateReassignMoveResolve() {
    Scenario s = newTenant();
    String inboxA = s.inbox();
    String inboxB = s.inbox();
    Scenario.Person first = s.availableOperator(inboxA);
    Scenario.Person second = s.availableOperator(inboxA, inboxB);
    Scenario.Person manager = s.person("MANAGER");
    String id = s.conversation(inboxA).getString("id");

    expectOk(Calls.claim(s, first.token(), id));
    expectOk(Calls.deallocate(s, first.token(), id));
    Http.Response allocated = Calls.allocate(s, first.token());
    expectOk(allocated);
    assertEquals(id, allocated.id());
    expectOk(Calls.reassign(s, manager.token(), id, second.id()));
    expectOk(Calls.move(s, manager.token(), id, inboxB));
    expectOk(Calls.resolve(s, second.token(), id));

    List<Expected> expected = List.of(
      new Expected("CREATED", null, "orchestrator", "SERVICE", null, "QUEUED", null, null),
      new Expected("ALLOCATED", "CLAIM", first.id(), "OPERATOR", "QUEUED", "ALLOCATED", null, first.id()),
      new Expected("RELEASED", "DEALLOCATE", first.id(), "OPERATOR", "ALLOCATED", "QUEUED", first.id(), null),
      new Expected("ALLOCATED", "AUTO", first.id(), "OPERATOR", "QUEUED", "ALLOCATED", null, first.id()),
      new Expected("REASSIGNED", null, manager.id(), "MANAGER", null, null, first.id(), second.id()),
      new Expected("MOVED", null, manager.id(), "MANAGER", null, null, null, second.id()),
      new Expected("RESOLVED", null, second.id(), "OPERATOR", "ALLOCATED", "RESOLVED", second.id(), null));

    JsonArray events = Calls.events(s, id);
    assertEquals(expected.stream().map(Expected::type).toList(), types(events), events::encode);
    long previousId = Long.MIN_VALUE;
    Instant previousTime = Instant.MIN;
    for (int i = 0; i < expected.size(); i++) {
      JsonObject event = events.getJsonObject(i);
      Expected want = expected.get(i);
      assertAll(event.encode(),
        () -> assertEquals(id, event.getString("conversationId")),
        () -> check(want.reason(), event.getString("reason"), "reason"),
        () -> assertEquals(want.actorId(), event.getString("actorId"), "actorId"),
        () -> assertEquals(want.actorRole(), event.getString("actorRole"), "actorRole"),
        () -> check(want.fromState(), event.getString("fromState"), "fromState"),
        () -> check(want.toState(), event.getString("toState"), "toState"),
        () -> check(want.ownerBefore(), event.getString("previousOperatorId"), "previousOperatorId"),
        () -> {
          if (want.ownerAfter() != null || want.type().equals("RELEASED")) {
            assertEquals(want.ownerAfter(), event.getString("operatorId"), "operatorId");
          }
        });
      long eventId = event.getLong("id");
      Instant occurredAt = instant(event.getString("occurredAt"));
      assertTrue(eventId > previousId, () -> "event ids must increase: " + events.encode());
      assertTrue(!occurredAt.isBefore(previousTime), () -> "occurredAt must not go back: " + events.encode());
      previousId = eventId;
      previousTime = occurredAt;
    }
    JsonObject moved = events.getJsonObject(5).getJsonObject("details");
    assertEquals(inboxA, moved.getString("fromInboxId"), moved::encode);
    assertEquals(inboxB, moved.getString("toInboxId"), moved::encode);
    assertNull(events.getJsonObject(0).getString("fromState"), "CREATED has no previous state");
  }

  @Test
  void eventsAreVisibleToEveryTenantRoleThatSeesTheConversation() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String id = s.conversation(inbox).getString("id");
    Scenario.Person operator = s.availableOperator(inbox);
    for (String token : List.of(s.service, s.admin, s.person("MANAGER").token(), operator.token())) {
      Http.Response got = s.http.get("/conversations/" + id + "/events", token);
      assertEquals(200, got.status(), got::toString);
      assertEquals(List.of("CREATED"), types(got.items()));
    }
  }

  private static void expectOk(Http.Response response) {
    assertEquals(200, response.status(), response::toString);
  }

  private static void check(String expected, String actual, String what) {
    if (expected != null) {
      assertEquals(expected, actual, what);
    }
  }

  private static List<String> types(JsonArray events) {
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(((JsonObject) e).getString("type")));
    return types;
  }
}
