package io.inboxallocation.label;

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

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.inboxallocation.testing.Calls.attach;
import static io.inboxallocation.testing.Calls.createLabel;
import static io.inboxallocation.testing.Calls.detach;
import static io.inboxallocation.testing.Calls.instant;
import static io.inboxallocation.testing.Calls.label;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Labels: CRUD with its permissions, uniqueness per inbox, listing, attach/detach scoped to the inbox. */
class LabelTest extends ServiceTest {

  @Test
  void createReturnsTheLabelWithItsCreator() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person manager = s.person("MANAGER");
    Instant before = Instant.now().minusSeconds(1);

    Http.Response created = createLabel(s, manager.token(), inbox, "Billing", "#1f77B4");

    assertEquals(201, created.status(), created::toString);
    JsonObject label = created.json();
    assertAll(label.encode(),
      () -> UUID.fromString(label.getString("id")),
      () -> assertEquals(s.tenantId.toString(), label.getString("tenantId")),
      () -> assertEquals(inbox, label.getString("inboxId")),
      () -> assertEquals("Billing", label.getString("name")),
      () -> assertEquals("#1f77B4", label.getString("color")),
      () -> assertEquals(manager.id(), label.getString("createdBy")),
      () -> assertTrue(instant(label.getString("createdAt")).isAfter(before)));
    Http.Response fetched = http.get("/labels/" + label.getString("id"), s.admin);
    assertEquals(200, fetched.status(), fetched::toString);
    assertEquals(label, fetched.json());
  }

  @Test
  void colorIsOptional() {
    Scenario s = newTenant();
    JsonObject label = label(s, s.inbox(), "plain", null);
    assertTrue(label.containsKey("color"), label::encode);
    assertNull(label.getValue("color"));
    assertEquals(s.adminId, label.getString("createdBy"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"red", "#12345", "#1234567", "#GGGGGG", "1f77b4"})
  void invalidColorIs400(String color) {
    Scenario s = newTenant();
    assertProblem(createLabel(s, s.admin, s.inbox(), "x", color), 400);
  }

  @Test
  void namesAreUniquePerInboxIgnoringCase() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String other = s.inbox();
    label(s, inbox, "Urgent", null);

    assertProblem(createLabel(s, s.admin, inbox, "Urgent", null), 409);
    assertProblem(createLabel(s, s.admin, inbox, "uRGENT", "#000000"), 409);
    assertEquals(201, createLabel(s, s.admin, other, "urgent", null).status());
    Scenario otherTenant = newTenant();
    assertEquals(201, createLabel(otherTenant, otherTenant.admin, otherTenant.inbox(), "Urgent", null).status());
    assertEquals(1, Db.count(app, "SELECT count(*) FROM label WHERE inbox_id = ?::uuid", inbox));
  }

  @Test
  void operatorsCreateLabelsOnlyInSubscribedInboxes() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String theirs = s.inbox();
    Person operator = s.availableOperator(mine);

    Http.Response created = createLabel(s, operator.token(), mine, "mine", null);
    assertEquals(201, created.status(), created::toString);
    assertEquals(operator.id(), created.json().getString("createdBy"));
    assertProblem(createLabel(s, operator.token(), theirs, "theirs", null), 404);
    assertProblem(createLabel(s, s.admin, UUID.randomUUID().toString(), "nowhere", null), 404);
    assertProblem(createLabel(s, s.admin, newTenant().inbox(), "foreign", null), 404);
  }

  @Test
  void creatorAndManagersMayChangeOrDeleteOthersGet403() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person creator = s.availableOperator(inbox);
    Person colleague = s.availableOperator(inbox);
    Person manager = s.person("MANAGER");
    String id = createLabel(s, creator.token(), inbox, "mine", null).id();
    String path = "/labels/" + id;

    assertProblem(http.patch(path, colleague.token(), new JsonObject().put("name", "hijacked")), 403);
    assertProblem(http.delete(path, colleague.token()), 403);

    Http.Response renamed = http.patch(path, creator.token(), new JsonObject().put("name", "renamed"));
    assertEquals(200, renamed.status(), renamed::toString);
    assertEquals("renamed", renamed.json().getString("name"));
    assertNull(renamed.json().getValue("color"));
    Http.Response recoloured = http.patch(path, manager.token(), new JsonObject().put("color", "#abcdef"));
    assertEquals(200, recoloured.status(), recoloured::toString);
    assertEquals("renamed", recoloured.json().getString("name"));
    assertEquals("#abcdef", recoloured.json().getString("color"));
    assertEquals(creator.id(), recoloured.json().getString("createdBy"));
    Http.Response byAdmin = http.patch(path, s.admin, new JsonObject().put("name", "by admin"));
    assertEquals(200, byAdmin.status(), byAdmin::toString);

    assertEquals(204, http.delete(path, creator.token()).status());
    assertProblem(http.get(path, s.admin), 404);
    String managed = label(s, inbox, "managed", null).getString("id");
    assertEquals(204, http.delete("/labels/" + managed, manager.token()).status());
    assertProblem(http.delete("/labels/" + managed, manager.token()), 404);
  }

  @Test
  void renamingOntoAnExistingNameIs409() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    label(s, inbox, "Taken", null);
    String id = label(s, inbox, "free", null).getString("id");

    assertProblem(http.patch("/labels/" + id, s.admin, new JsonObject().put("name", "TAKEN")), 409);
    Http.Response sameNameOtherCase = http.patch("/labels/" + id, s.admin, new JsonObject().put("name", "Free"));
    assertEquals(200, sameNameOtherCase.status(), sameNameOtherCase::toString);
  }

  @Test
  void listingByInboxAndOperatorVisibility() {
    Scenario s = newTenant();
    String mine = s.inbox();
    String theirs = s.inbox();
    String b = label(s, mine, "beta", null).getString("id");
    String a = label(s, mine, "alpha", null).getString("id");
    String other = label(s, theirs, "gamma", null).getString("id");
    Person operator = s.availableOperator(mine);

    assertEquals(List.of(a, b), labelIds(s.admin, "?inboxId=" + mine), "by name within the inbox");
    assertEquals(List.of(other), labelIds(s.admin, "?inboxId=" + theirs));
    assertEquals(3, labelIds(s.admin, "").size());
    assertEquals(List.of(a, b), labelIds(operator.token(), ""), "an operator sees subscribed inboxes only");
    assertEquals(0, labelIds(newTenant().admin, "").size());
    assertProblem(http.get("/labels/" + other, operator.token()), 404);
  }

  private List<String> labelIds(String token, String query) {
    Http.Response listed = http.get("/labels" + query, token);
    assertEquals(200, listed.status(), listed::toString);
    return Calls.ids(listed.items());
  }

  @Test
  void attachAndDetachAreIdempotentAndShowInTheConversation() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String conversation = s.conversation(inbox).getString("id");
    JsonObject label = label(s, inbox, "vip", "#00ff00");
    String labelId = label.getString("id");
    JsonArray expected = new JsonArray().add(new JsonObject()
      .put("id", labelId).put("name", "vip").put("color", "#00ff00"));

    for (int i = 0; i < 2; i++) {
      Http.Response attached = attach(s, s.service, conversation, labelId);
      assertEquals(200, attached.status(), attached::toString);
      assertEquals(expected, attached.json().getJsonArray("labels"));
    }
    assertEquals(expected, Calls.get(s, conversation).getJsonArray("labels"));
    assertEquals(1, Db.count(app, "SELECT count(*) FROM conversation_label WHERE conversation_id = ?::uuid",
      conversation));

    for (int i = 0; i < 2; i++) {
      Http.Response detached = detach(s, s.service, conversation, labelId);
      assertEquals(200, detached.status(), detached::toString);
      assertEquals(new JsonArray(), detached.json().getJsonArray("labels"));
    }
    assertEquals(new JsonArray(), Calls.get(s, conversation).getJsonArray("labels"));

    JsonObject added = event(s, conversation, "LABEL_ADDED");
    assertEquals(labelId, added.getJsonObject("details").getString("labelId"), added::encode);
    assertEquals("vip", added.getJsonObject("details").getString("labelName"), added::encode);
    JsonObject removed = event(s, conversation, "LABEL_REMOVED");
    assertEquals(labelId, removed.getJsonObject("details").getString("labelId"), removed::encode);
  }

  private static JsonObject event(Scenario s, String conversation, String type) {
    for (Object e : Calls.events(s, conversation)) {
      if (type.equals(((JsonObject) e).getString("type"))) {
        return (JsonObject) e;
      }
    }
    throw new AssertionError("no " + type + " event");
  }

  @Test
  void severalLabelsAndWhoMayAttach() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String conversation = s.conversation(inbox).getString("id");
    Person operator = s.availableOperator(inbox);
    Person outsider = s.availableOperator(s.inbox());
    String one = label(s, inbox, "one", null).getString("id");
    String two = label(s, inbox, "two", null).getString("id");
    String three = label(s, inbox, "three", null).getString("id");

    assertEquals(200, attach(s, operator.token(), conversation, one).status());
    assertEquals(200, attach(s, s.person("MANAGER").token(), conversation, two).status());
    assertEquals(200, attach(s, s.admin, conversation, three).status());
    assertProblem(attach(s, outsider.token(), conversation, one), 404);
    assertEquals(Set.of(one, two, three),
      Calls.idSet(Calls.get(s, conversation).getJsonArray("labels")));

    assertEquals(200, detach(s, operator.token(), conversation, two).status());
    assertEquals(Set.of(one, three), Calls.idSet(Calls.get(s, conversation).getJsonArray("labels")));
  }

  @Test
  void aLabelOfAnotherInboxIs409() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String conversation = s.conversation(inbox).getString("id");
    String elsewhere = label(s, s.inbox(), "elsewhere", null).getString("id");

    assertProblem(attach(s, s.admin, conversation, elsewhere), 409);
    assertEquals(new JsonArray(), Calls.get(s, conversation).getJsonArray("labels"));
    assertProblem(attach(s, s.admin, conversation, UUID.randomUUID().toString()), 404);
    assertProblem(attach(s, s.admin, UUID.randomUUID().toString(), elsewhere), 404);
  }

  @Test
  void deletingALabelDetachesItEverywhere() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String first = s.conversation(inbox).getString("id");
    String second = s.conversation(inbox).getString("id");
    String doomed = label(s, inbox, "doomed", null).getString("id");
    String kept = label(s, inbox, "kept", null).getString("id");
    for (String c : List.of(first, second)) {
      assertEquals(200, attach(s, s.admin, c, doomed).status());
    }
    assertEquals(200, attach(s, s.admin, first, kept).status());

    assertEquals(204, http.delete("/labels/" + doomed, s.admin).status());

    assertEquals(List.of(kept), Calls.ids(Calls.get(s, first).getJsonArray("labels")));
    assertEquals(List.of(), Calls.ids(Calls.get(s, second).getJsonArray("labels")));
    assertEquals(0, Db.count(app, "SELECT count(*) FROM conversation_label WHERE label_id = ?::uuid", doomed));
  }

  @Test
  void conversationsFilterByLabelAndShowRenames() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String tagged = s.conversation(inbox).getString("id");
    String alsoTagged = s.conversation(inbox).getString("id");
    s.conversation(inbox);
    String labelId = label(s, inbox, "before", null).getString("id");
    for (String c : List.of(tagged, alsoTagged)) {
      assertEquals(200, attach(s, s.admin, c, labelId).status());
    }

    assertEquals(Set.of(tagged, alsoTagged),
      Set.copyOf(Calls.listIds(s, s.admin, "labelId=" + labelId)));
    assertEquals(200, http.patch("/labels/" + labelId, s.admin, new JsonObject().put("name", "after")).status());
    assertEquals("after", Calls.get(s, tagged).getJsonArray("labels").getJsonObject(0).getString("name"));
  }
}
