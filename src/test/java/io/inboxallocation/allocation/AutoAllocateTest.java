package io.inboxallocation.allocation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.inboxallocation.testing.Calls.allocate;
import static io.inboxallocation.testing.Calls.conversationAged;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /allocation/allocate: empty queue, OFFLINE callers, subscribed inboxes only, the event it writes. */
class AutoAllocateTest extends ServiceTest {

  @Test
  void emptyQueueIs204WithoutBody() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person operator = s.availableOperator(inbox);
    Calls.resolved(s, operator, inbox); // a resolved conversation is not queued

    Http.Response none = allocate(s, operator.token());

    assertEquals(204, none.status(), none::toString);
    assertTrue(none.body().isEmpty(), none::toString);
  }

  @Test
  void offlineCallerIs409EvenWithAQueue() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person operator = s.availableOperator(inbox);
    String id = s.conversation(inbox).getString("id");
    s.setStatus(operator, "OFFLINE");

    assertProblem(allocate(s, operator.token()), 409);
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
  }

  @Test
  void onlyTheCallersSubscribedInboxesAreServed() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String other = s.inbox();
    Person operator = s.availableOperator(mine);
    // the other inbox holds by far the most urgent conversation
    String urgentElsewhere = conversationAged(s, other, 1000, 5000).getString("id");
    String minor = conversationAged(s, mine, 0, 10).getString("id");
    Scenario neighbour = newTenant();
    neighbour.conversation(neighbour.inbox()); // another tenant's queue is never served

    Http.Response first = allocate(s, operator.token());
    assertEquals(200, first.status(), first::toString);
    assertEquals(minor, first.id());
    assertEquals(204, allocate(s, operator.token()).status());
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, urgentElsewhere));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OPERATOR", "MANAGER", "ADMIN"})
  void allocateGivesTheCallerTheConversationWithAnAutoEvent(String role) {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person caller = Calls.available(s, role, inbox);
    String id = s.conversation(inbox).getString("id");

    Http.Response allocated = allocate(s, caller.token());

    assertEquals(200, allocated.status(), allocated::toString);
    JsonObject c = allocated.json();
    assertEquals(id, c.getString("id"));
    assertEquals("ALLOCATED", c.getString("state"));
    assertEquals(caller.id(), c.getString("assignedOperatorId"));
    assertEquals(new Db.Row("ALLOCATED", caller.id()), Db.conversation(app, id));
    JsonObject event = Calls.events(s, id).getJsonObject(1);
    assertEquals("ALLOCATED", event.getString("type"));
    assertEquals("AUTO", event.getString("reason"));
    assertEquals(caller.id(), event.getString("actorId"));
    assertEquals(caller.id(), event.getString("operatorId"));
  }

  @Test
  void allocatedAndResolvedConversationsAreNotGivenOutAgain() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person first = s.availableOperator(inbox);
    Person second = s.availableOperator(inbox);
    Calls.claimed(s, first, inbox);
    Calls.resolved(s, first, inbox);
    String queued = s.conversation(inbox).getString("id");

    assertEquals(queued, allocate(s, second.token()).id());
    assertEquals(204, allocate(s, second.token()).status());
    assertEquals(204, allocate(s, first.token()).status());
  }

  @Test
  void operatorWithoutSubscriptionsGets204() {
    Scenario s = newTenant();
    s.conversation(s.inbox());
    Person lonely = s.availableOperator();
    assertEquals(204, allocate(s, lonely.token()).status());
  }
}
