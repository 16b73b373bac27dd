package io.inboxallocation.conversation;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Calls.Phone;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.inboxallocation.testing.Calls.ago;
import static io.inboxallocation.testing.Calls.instant;
import static io.inboxallocation.testing.Calls.upsert;
import static io.inboxallocation.testing.Calls.upsertBody;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /conversations: create, forward-only update, concurrent upserts, reopen, and who may call it. */
class ConversationUpsertTest extends ServiceTest {

  private static final List<String> REQUIRED = List.of("id", "tenantId", "inboxId", "externalConversationId",
    "customerPhoneNumber", "state", "assignedOperatorId", "lastMessageAt", "messageCount", "priorityScore", "labels",
    "createdAt", "updatedAt", "resolvedAt");

  @Test
  void createsAQueuedConversationWithEveryField() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Phone phone = Phone.random();
    Instant lastMessageAt = ago(100);
    String externalId = "ext-" + UUID.randomUUID();

    Http.Response created = upsert(s, upsertBody(inbox, externalId, phone.formatted())
      .put("lastMessageAt", lastMessageAt.toString()).put("messageCount", 3));

    assertEquals(201, created.status(), created::toString);
    JsonObject c = created.json();
    assertAll(
      () -> assertTrue(REQUIRED.stream().allMatch(c::containsKey), () -> "missing fields in " + c),
      () -> UUID.fromString(c.getString("id")),
      () -> assertEquals(s.tenantId.toString(), c.getString("tenantId")),
      () -> assertEquals(inbox, c.getString("inboxId")),
      () -> assertEquals(externalId, c.getString("externalConversationId")),
      () -> assertEquals(phone.e164(), c.getString("customerPhoneNumber")),
      () -> assertEquals("QUEUED", c.getString("state")),
      () -> assertNull(c.getValue("assignedOperatorId")),
      () -> assertEquals(lastMessageAt, instant(c.getString("lastMessageAt"))),
      () -> assertEquals(3, c.getInteger("messageCount")),
      () -> assertEquals(new JsonArray(), c.getJsonArray("labels")),
      () -> assertNull(c.getValue("resolvedAt")),
      () -> assertNotNull(instant(c.getString("createdAt"))),
      () -> assertNotNull(instant(c.getString("updatedAt"))),
      // default weights 60 and 1: 60 * ln(1 + 3) + 100 s of waiting
      () -> assertEquals(60 * Math.log(4) + 100, c.getDouble("priorityScore"), 5.0, "priorityScore"));

    JsonObject fetched = Calls.get(s, c.getString("id"));
    assertEquals(Calls.stable(c), Calls.stable(fetched));
  }

  @Test
  void optionalFieldsDefaultToNoMessages() {
    Scenario s = newTenant();
    Http.Response created = upsert(s, upsertBody(s.inbox(), "ext-" + UUID.randomUUID(), Phone.random().digits()));

    assertEquals(201, created.status(), created::toString);
    JsonObject c = created.json();
    assertEquals(0, c.getInteger("messageCount"));
    assertTrue(c.containsKey("lastMessageAt") && c.getValue("lastMessageAt") == null, c::encode);
    // no messages and no waiting yet: a score close to zero
    assertEquals(0.0, c.getDouble("priorityScore"), 5.0);
  }

  @Test
  void upsertAgainUpdatesForwardOnlyAndIgnoresTheInbox() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String otherInbox = s.inbox();
    String externalId = "ext-" + UUID.randomUUID();
    Instant first = ago(600);
    JsonObject created = upsert(s, upsertBody(inbox, externalId, Phone.random().e164())
      .put("lastMessageAt", first.toString()).put("messageCount", 5)).json();

    Phone newPhone = Phone.random();
    Instant later = first.plusSeconds(10);
    Http.Response updated = upsert(s, upsertBody(otherInbox, externalId, newPhone.digits())
      .put("lastMessageAt", later.toString()).put("messageCount", 7));
    assertEquals(200, updated.status(), updated::toString);
    assertEquals(created.getString("id"), updated.id());
    assertEquals(inbox, updated.json().getString("inboxId"), "inboxId is ignored on update");
    assertEquals(newPhone.e164(), updated.json().getString("customerPhoneNumber"), "phone is replaced");
    assertEquals(later, instant(updated.json().getString("lastMessageAt")));
    assertEquals(7, updated.json().getInteger("messageCount"));

    // an out-of-order delivery does not rewind anything
    Http.Response stale = upsert(s, upsertBody(inbox, externalId, newPhone.e164())
      .put("lastMessageAt", first.toString()).put("messageCount", 2));
    assertEquals(200, stale.status(), stale::toString);
    for (JsonObject c : List.of(stale.json(), Calls.get(s, created.getString("id")))) {
      assertEquals(later, instant(c.getString("lastMessageAt")), c::encode);
      assertEquals(7, c.getInteger("messageCount"), c::encode);
      assertEquals("QUEUED", c.getString("state"));
    }
    assertEquals(1, Db.count(app, "SELECT count(*) FROM conversation_ref WHERE tenant_id = ?::uuid",
      s.tenantId.toString()));
  }

  @Test
  void concurrentUpsertsOfOneNewConversationAllSucceedWithOneRow() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String externalId = "ext-" + UUID.randomUUID();
    List<Future<Http.Response>> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonObject body = upsertBody(inbox, externalId, Phone.random().e164())
        .put("messageCount", i).put("lastMessageAt", ago(100 - i).toString());
      replies.add(s.http.send(HttpMethod.POST, "/conversations", s.service, body));
    }
    Future.all(replies).await();

    for (Future<Http.Response> reply : replies) {
      int status = reply.result().status();
      assertTrue(status == 200 || status == 201, () -> "upsert answered " + reply.result());
    }
    Set<String> ids = replies.stream().map(r -> r.result().id()).collect(Collectors.toSet());
    assertEquals(1, ids.size(), () -> "different ids: " + ids);
    assertEquals(1, Db.count(app,
      "SELECT count(*) FROM conversation_ref WHERE tenant_id = ?::uuid AND external_conversation_id = ?",
      s.tenantId.toString(), externalId));
    JsonObject stored = Calls.get(s, ids.iterator().next());
    assertEquals(19, stored.getInteger("messageCount"), "the highest count wins whatever the arrival order");
    assertEquals(1, Calls.eventTypes(s, stored.getString("id")).stream().filter("CREATED"::equals).count());
  }

  @Test
  void newerMessageReopensAResolvedConversationButAnOlderOneDoesNot() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    String externalId = "ext-" + UUID.randomUUID();
    Phone phone = Phone.random();
    Instant beforeResolution = ago(60);
    String id = upsert(s, upsertBody(inbox, externalId, phone.e164())
      .put("lastMessageAt", beforeResolution.toString()).put("messageCount", 1)).id();
    assertEquals(200, Calls.claim(s, operator.token(), id).status());
    JsonObject resolved = Calls.resolve(s, operator.token(), id).json();
    assertEquals("RESOLVED", resolved.getString("state"), resolved::encode);

    for (Instant notAfterResolution : List.of(beforeResolution, beforeResolution.plusSeconds(10))) {
      Http.Response same = upsert(s, upsertBody(inbox, externalId, phone.e164())
        .put("lastMessageAt", notAfterResolution.toString()).put("messageCount", 1));
      assertEquals(200, same.status(), same::toString);
      assertEquals("RESOLVED", same.json().getString("state"), same::toString);
    }
    assertEquals("RESOLVED", Db.conversation(app, id).state());
    assertTrue(!Calls.eventTypes(s, id).contains("REOPENED"));

    Http.Response reopened = upsert(s, upsertBody(inbox, externalId, phone.e164())
      .put("lastMessageAt", Instant.now().plusSeconds(1).toString()).put("messageCount", 2));
    assertEquals(200, reopened.status(), reopened::toString);
    assertEquals(id, reopened.id());
    assertEquals("QUEUED", reopened.json().getString("state"));
    assertNull(reopened.json().getValue("assignedOperatorId"));
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
    JsonArray events = Calls.events(s, id);
    JsonObject last = events.getJsonObject(events.size() - 1);
    assertEquals("REOPENED", last.getString("type"), events::encode);
    assertEquals("RESOLVED", last.getString("fromState"));
    assertEquals("QUEUED", last.getString("toState"));
    assertEquals("SERVICE", last.getString("actorRole"));
  }

  @Test
  void unknownOrForeignInboxIs404() {
    Scenario s = newTenant();
    String foreignInbox = newTenant().inbox();
    for (String inbox : List.of(UUID.randomUUID().toString(), foreignInbox)) {
      assertProblem(upsert(s, upsertBody(inbox, "ext-" + UUID.randomUUID(), Phone.random().e164())), 404);
    }
    assertEquals(0, Db.count(app, "SELECT count(*) FROM conversation_ref WHERE tenant_id = ?::uuid",
      s.tenantId.toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"MANAGER", "OPERATOR"})
  void onlyServiceAndAdminMayUpsert(String role) {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person person = s.person(role);
    s.subscribe(person.id(), inbox);

    assertProblem(s.http.post("/conversations", person.token(),
      upsertBody(inbox, "ext-" + UUID.randomUUID(), Phone.random().e164())), 403);

    Http.Response byAdmin = s.http.post("/conversations", s.admin,
      upsertBody(inbox, "ext-" + UUID.randomUUID(), Phone.random().e164()));
    assertEquals(201, byAdmin.status(), byAdmin::toString);
  }

  @Test
  void invalidPhoneIs400() {
    Scenario s = newTenant();
    assertProblem(upsert(s, upsertBody(s.inbox(), "ext-" + UUID.randomUUID(), "not a phone")), 400);
  }
}
