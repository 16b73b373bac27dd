package io.inboxallocation.allocation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.UUID;

import static io.inboxallocation.testing.Calls.move;
import static io.inboxallocation.testing.Calls.reassign;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reassign and move-inbox (MANAGER, ADMIN): targets, owners kept or released, labels, states. */
class ReassignAndMoveTest extends ServiceTest {

  @ParameterizedTest
  @ValueSource(strings = {"QUEUED", "ALLOCATED"})
  void reassignGivesTheConversationToTheTarget(String state) {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    Person target = s.availableOperator(inbox);
    String id = state.equals("QUEUED") ? s.conversation(inbox).getString("id")
      : Calls.claimed(s, owner, inbox).getString("id");

    Http.Response reassigned = reassign(s, s.person("MANAGER").token(), id, target.id());

    assertEquals(200, reassigned.status(), reassigned::toString);
    assertEquals("ALLOCATED", reassigned.json().getString("state"));
    assertEquals(target.id(), reassigned.json().getString("assignedOperatorId"));
    assertEquals(new Db.Row("ALLOCATED", target.id()), Db.conversation(app, id));
  }

  @Test
  void reassignToTheCurrentOwnerIsUnchanged() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    String id = Calls.claimed(s, owner, inbox).getString("id");
    Calls.assertUnchanged(s, id, () -> reassign(s, s.admin, id, owner.id()));
  }

  @Test
  void reassignToAnOperatorWhoCannotTakeItIs409Or404() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    String id = Calls.claimed(s, owner, inbox).getString("id");
    Person offline = s.person("OPERATOR");
    s.subscribe(offline.id(), inbox);
    Person unsubscribed = s.availableOperator(s.inbox());
    Scenario other = newTenant();
    Person foreign = other.availableOperator(other.inbox());

    assertProblem(reassign(s, s.admin, id, offline.id()), 409);
    assertProblem(reassign(s, s.admin, id, unsubscribed.id()), 409);
    assertProblem(reassign(s, s.admin, id, UUID.randomUUID().toString()), 404);
    assertProblem(reassign(s, s.admin, id, foreign.id()), 404);
    assertEquals(new Db.Row("ALLOCATED", owner.id()), Db.conversation(app, id));
  }

  @Test
  void reassignOfAResolvedConversationIs409() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    Person target = s.availableOperator(inbox);
    String id = Calls.resolved(s, owner, inbox).getString("id");

    assertProblem(reassign(s, s.admin, id, target.id()), 409);
    assertEquals("RESOLVED", Db.conversation(app, id).state());
  }

  @Test
  void operatorsMayNotReassignOrMove() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    Person other = s.availableOperator(inbox);
    String id = Calls.claimed(s, owner, inbox).getString("id");

    assertProblem(reassign(s, owner.token(), id, other.id()), 403);
    assertProblem(move(s, owner.token(), id, s.inbox()), 403);
    assertEquals(new Db.Row("ALLOCATED", owner.id()), Db.conversation(app, id));
  }

  @Test
  void moveKeepsTheOwnerWhoIsSubscribedToTheNewInbox() {
    Scenario s = newTenant();
    String from = s.inbox();
    String to = s.inbox();
    Person owner = s.availableOperator(from, to);
    String id = Calls.claimed(s, owner, from).getString("id");

    Http.Response moved = move(s, s.person("MANAGER").token(), id, to);

    assertEquals(200, moved.status(), moved::toString);
    assertEquals(to, moved.json().getString("inboxId"));
    assertEquals("ALLOCATED", moved.json().getString("state"));
    assertEquals(owner.id(), moved.json().getString("assignedOperatorId"));
    assertEquals(new Db.Row("ALLOCATED", owner.id()), Db.conversation(app, id));
    assertEquals(List.of(id), Calls.listIds(s, s.admin, "inboxId=" + to));
    assertTrue(!Calls.eventTypes(s, id).contains("RELEASED"));
  }

  @Test
  void moveRequeuesWhenTheOwnerIsNotSubscribedToTheNewInbox() {
    Scenario s = newTenant();
    String from = s.inbox();
    String to = s.inbox();
    Person owner = s.availableOperator(from);
    String id = Calls.claimed(s, owner, from).getString("id");

    Http.Response moved = move(s, s.admin, id, to);

    assertEquals(200, moved.status(), moved::toString);
    assertEquals(to, moved.json().getString("inboxId"));
    assertEquals("QUEUED", moved.json().getString("state"));
    assertNull(moved.json().getValue("assignedOperatorId"));
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
    JsonArray events = Calls.events(s, id);
    JsonObject released = find(events, "RELEASED");
    assertEquals("MOVED", released.getString("reason"), events::encode);
    assertEquals(owner.id(), released.getString("previousOperatorId"));
    JsonObject movedEvent = find(events, "MOVED");
    assertEquals(from, movedEvent.getJsonObject("details").getString("fromInboxId"));
    assertEquals(to, movedEvent.getJsonObject("details").getString("toInboxId"));
    // the owner no longer sees it; someone subscribed to the new inbox can allocate it
    assertEquals(204, Calls.allocate(s, owner.token()).status());
    assertEquals(id, Calls.allocate(s, s.availableOperator(to).token()).id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"QUEUED", "RESOLVED"})
  void moveKeepsQueuedAndResolvedStates(String state) {
    Scenario s = newTenant();
    String from = s.inbox();
    String to = s.inbox();
    Person owner = s.availableOperator(from);
    String id = state.equals("QUEUED") ? s.conversation(from).getString("id")
      : Calls.resolved(s, owner, from).getString("id");

    Http.Response moved = move(s, s.admin, id, to);

    assertEquals(200, moved.status(), moved::toString);
    assertEquals(to, moved.json().getString("inboxId"));
    assertEquals(state, moved.json().getString("state"));
    assertEquals(state, Db.conversation(app, id).state());
  }

  @Test
  void moveDetachesTheLabelsOfTheOldInbox() {
    Scenario s = newTenant();
    String from = s.inbox();
    String to = s.inbox();
    String id = s.conversation(from).getString("id");
    String label = Calls.label(s, from, "urgent", "#ff0000").getString("id");
    assertEquals(1, Calls.attach(s, s.admin, id, label).json().getJsonArray("labels").size());

    Http.Response moved = move(s, s.admin, id, to);

    assertEquals(200, moved.status(), moved::toString);
    assertEquals(0, Db.count(app, "SELECT count(*) FROM conversation_label WHERE conversation_id = ?::uuid", id));
    assertEquals(new JsonArray(), Calls.get(s, id).getJsonArray("labels"));
    assertEquals(List.of(), Calls.listIds(s, s.admin, "labelId=" + label));
    assertEquals(new JsonArray(), moved.json().getJsonArray("labels"), "labels in the move's answer");
  }

  @Test
  void moveToTheSameInboxIsUnchanged() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person owner = s.availableOperator(inbox);
    String id = Calls.claimed(s, owner, inbox).getString("id");
    String label = Calls.label(s, inbox, "keep", null).getString("id");
    assertEquals(200, Calls.attach(s, s.admin, id, label).status());
    Calls.assertUnchanged(s, id, () -> move(s, s.admin, id, inbox));
  }

  @Test
  void moveToAnUnknownOrForeignInboxIs404() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String id = s.conversation(inbox).getString("id");
    assertProblem(move(s, s.admin, id, UUID.randomUUID().toString()), 404);
    assertProblem(move(s, s.admin, id, newTenant().inbox()), 404);
    assertEquals(inbox, Calls.get(s, id).getString("inboxId"));
  }

  private static JsonObject find(JsonArray events, String type) {
    for (Object event : events) {
      if (type.equals(((JsonObject) event).getString("type"))) {
        return (JsonObject) event;
      }
    }
    throw new AssertionError("no " + type + " event in " + events.encode());
  }
}
