package io.inboxallocation.admin;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.UUID;

import static io.inboxallocation.testing.ProblemAssert.assertBadField;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Inboxes: E.164 numbers unique per tenant, operator visibility by subscription, patch and delete rules. */
class InboxesTest extends ServiceTest {

  private static final String E164 = "+5511999990000";

  @ParameterizedTest
  @ValueSource(strings = {"+5511999990000", "+55 11 99999-0000", "5511999990000", "005511999990000",
    "+55 (11) 99999-0000"})
  void phoneNumberIsStoredInE164(String input) {
    Scenario s = newTenant();
    Http.Response created = http.post("/inboxes", s.admin, inbox(input, "Sales"));
    assertEquals(201, created.status(), created::toString);
    JsonObject body = created.json();
    assertEquals(E164, body.getString("phoneNumber"));
    assertEquals("Sales", body.getString("displayName"));
    assertEquals(s.tenantId.toString(), body.getString("tenantId"));
    assertNotNull(body.getString("createdAt"));
    assertEquals(body, http.get("/inboxes/" + created.id(), s.admin).json());
  }

  @ParameterizedTest
  @ValueSource(strings = {"+5511999990000", "+55 11 99999-0000", "5511999990000", "005511999990000"})
  void sameNumberTwiceInATenantIsAConflict(String secondForm) {
    Scenario s = newTenant();
    assertEquals(201, http.post("/inboxes", s.admin, inbox(E164, "First")).status());
    assertProblem(http.post("/inboxes", s.admin, inbox(secondForm, "Second")), 409);
    assertEquals(1, http.get("/inboxes", s.admin).items().size());
  }

  @Test
  void sameNumberInAnotherTenantIsFine() {
    Scenario s = newTenant();
    Scenario other = newTenant();
    assertEquals(201, http.post("/inboxes", s.admin, inbox(E164, "Ours")).status());
    Http.Response theirs = http.post("/inboxes", other.admin, inbox(E164, "Theirs"));
    assertEquals(201, theirs.status(), theirs::toString);
    assertEquals(E164, theirs.json().getString("phoneNumber"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not a phone", "12", "+0 000", "+", "+55 11 9"})
  void invalidNumberIsRejected(String number) {
    Scenario s = newTenant();
    assertBadField(http.post("/inboxes", s.admin, inbox(number, "Bad")), "phoneNumber");
    assertEquals(0, http.get("/inboxes", s.admin).items().size());
  }

  @Test
  void numberLongerThan40CharactersIsRejected() {
    Scenario s = newTenant();
    assertBadField(http.post("/inboxes", s.admin, inbox("+55" + "1".repeat(40), "Long")), "phoneNumber");
  }

  @Test
  void managerCreatesInbox() {
    Scenario s = newTenant();
    Http.Response created = http.post("/inboxes", s.person("MANAGER").token(), inbox(Scenario.randomPhone(), "M"));
    assertEquals(201, created.status(), created::toString);
  }

  @Test
  void operatorSeesOnlySubscribedInboxes() {
    Scenario s = newTenant();
    String subscribed = s.inbox();
    String other = s.inbox();
    Scenario.Person operator = s.person("OPERATOR");
    s.subscribe(operator.id(), subscribed);

    Http.Response list = http.get("/inboxes", operator.token());
    assertEquals(200, list.status(), list::toString);
    assertEquals(List.of(subscribed), ids(list));
    assertEquals(200, http.get("/inboxes/" + subscribed, operator.token()).status());
    assertProblem(http.get("/inboxes/" + other, operator.token()), 404);

    assertEquals(2, http.get("/inboxes", s.person("MANAGER").token()).items().size());
    assertEquals(2, http.get("/inboxes", s.service).items().size());
    assertEquals(2, http.get("/inboxes", s.admin).items().size());
    assertEquals(200, http.get("/inboxes/" + other, s.service).status());
  }

  @Test
  void operatorWithoutSubscriptionsSeesNoInbox() {
    Scenario s = newTenant();
    s.inbox();
    Http.Response list = http.get("/inboxes", s.person("OPERATOR").token());
    assertEquals(200, list.status(), list::toString);
    assertEquals(0, list.items().size());
  }

  @Test
  void patchChangesDisplayNameAndNormalisesNumber() {
    Scenario s = newTenant();
    String id = http.post("/inboxes", s.admin, inbox("+5511999990001", "Old")).id();

    Http.Response renamed = http.patch("/inboxes/" + id, s.admin, new JsonObject().put("displayName", "New"));
    assertEquals(200, renamed.status(), renamed::toString);
    assertEquals("New", renamed.json().getString("displayName"));
    assertEquals("+5511999990001", renamed.json().getString("phoneNumber"));

    Http.Response renumbered = http.patch("/inboxes/" + id, s.admin, new JsonObject().put("phoneNumber", "55 11 99999-0002"));
    assertEquals(200, renumbered.status(), renumbered::toString);
    assertEquals("+5511999990002", renumbered.json().getString("phoneNumber"));

    JsonObject stored = http.get("/inboxes/" + id, s.admin).json();
    assertEquals("New", stored.getString("displayName"));
    assertEquals("+5511999990002", stored.getString("phoneNumber"));
  }

  @Test
  void patchToOwnNumberIsFine() {
    Scenario s = newTenant();
    String id = http.post("/inboxes", s.admin, inbox(E164, "Same")).id();
    Http.Response same = http.patch("/inboxes/" + id, s.admin, new JsonObject().put("phoneNumber", "+55 11 99999-0000"));
    assertEquals(200, same.status(), same::toString);
  }

  @Test
  void patchToAnotherInboxsNumberIsAConflict() {
    Scenario s = newTenant();
    http.post("/inboxes", s.admin, inbox(E164, "Taken"));
    String id = http.post("/inboxes", s.admin, inbox("+5511999990009", "Mine")).id();
    assertProblem(http.patch("/inboxes/" + id, s.admin, new JsonObject().put("phoneNumber", "5511999990000")), 409);
    assertEquals("+5511999990009", http.get("/inboxes/" + id, s.admin).json().getString("phoneNumber"));
  }

  @Test
  void patchRejectsBadInput() {
    Scenario s = newTenant();
    String id = s.inbox();
    assertProblem(http.patch("/inboxes/" + id, s.admin, new JsonObject()), 400);
    assertBadField(http.patch("/inboxes/" + id, s.admin, new JsonObject().put("phoneNumber", "garbage")), "phoneNumber");
    assertProblem(http.patch("/inboxes/" + id, s.admin, new JsonObject().put("tenantId", UUID.randomUUID().toString())),
      400);
    assertProblem(http.patch("/inboxes/" + UUID.randomUUID(), s.admin, new JsonObject().put("displayName", "x")), 404);
  }

  @Test
  void deleteRemovesInboxAndItsSubscriptions() {
    Scenario s = newTenant();
    String id = s.inbox();
    Scenario.Person operator = s.person("OPERATOR");
    s.subscribe(operator.id(), id);

    Http.Response deleted = http.delete("/inboxes/" + id, s.person("MANAGER").token());
    assertEquals(204, deleted.status(), deleted::toString);
    assertProblem(http.get("/inboxes/" + id, s.admin), 404);
    assertProblem(http.delete("/inboxes/" + id, s.admin), 404);
    assertEquals(0, http.get("/operator-inbox-subscriptions?operatorId=" + operator.id(), s.admin).items().size());
    assertEquals(0, http.get("/inboxes", operator.token()).items().size());
  }

  @Test
  void deletedInboxsNumberCanBeReused() {
    Scenario s = newTenant();
    String id = http.post("/inboxes", s.admin, inbox(E164, "Old")).id();
    assertEquals(204, http.delete("/inboxes/" + id, s.admin).status());
    assertEquals(201, http.post("/inboxes", s.admin, inbox(E164, "New")).status());
  }

  @Test
  void deleteWithQueuedConversationIsAConflict() {
    Scenario s = newTenant();
    String id = s.inbox();
    String conversation = s.conversation(id).getString("id");
    assertProblem(http.delete("/inboxes/" + id, s.admin), 409);
    assertEquals(200, http.get("/inboxes/" + id, s.admin).status());
    assertEquals("QUEUED", http.get("/conversations/" + conversation, s.admin).json().getString("state"));
  }

  private static List<String> ids(Http.Response list) {
    return list.items().stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static JsonObject inbox(String phone, String name) {
    return new JsonObject().put("phoneNumber", phone).put("displayName", name);
  }
}
