package io.inboxallocation.admin;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operator-inbox subscriptions: idempotent create, filters, operators see their own, delete. */
class SubscriptionsTest extends ServiceTest {

  @Test
  void createAnswers201ThenTheSameSubscriptionWith200() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.person("OPERATOR");
    JsonObject pair = new JsonObject().put("operatorId", operator.id()).put("inboxId", inbox);

    Http.Response created = http.post("/operator-inbox-subscriptions", s.admin, pair);
    assertEquals(201, created.status(), created::toString);
    JsonObject subscription = created.json();
    UUID.fromString(subscription.getString("id"));
    assertEquals(s.tenantId.toString(), subscription.getString("tenantId"));
    assertEquals(operator.id(), subscription.getString("operatorId"));
    assertEquals(inbox, subscription.getString("inboxId"));
    assertNotNull(subscription.getString("createdAt"));

    Http.Response again = http.post("/operator-inbox-subscriptions", s.person("MANAGER").token(), pair);
    assertEquals(200, again.status(), again::toString);
    assertEquals(subscription, again.json());
    assertEquals(1, http.get("/operator-inbox-subscriptions", s.admin).items().size());
  }

  @Test
  void listFiltersByOperatorAndInbox() {
    Scenario s = newTenant();
    String inbox1 = s.inbox();
    String inbox2 = s.inbox();
    Scenario.Person ana = s.person("OPERATOR");
    Scenario.Person bo = s.person("OPERATOR");
    String ana1 = s.subscribe(ana.id(), inbox1);
    String ana2 = s.subscribe(ana.id(), inbox2);
    String bo1 = s.subscribe(bo.id(), inbox1);

    assertEquals(Set.of(ana1, ana2, bo1), ids(http.get("/operator-inbox-subscriptions", s.admin)));
    assertEquals(Set.of(ana1, ana2), ids(http.get("/operator-inbox-subscriptions?operatorId=" + ana.id(), s.admin)));
    assertEquals(Set.of(ana1, bo1), ids(http.get("/operator-inbox-subscriptions?inboxId=" + inbox1, s.admin)));
    assertEquals(Set.of(ana2), ids(http.get("/operator-inbox-subscriptions?operatorId=" + ana.id()
      + "&inboxId=" + inbox2, s.admin)));
    assertEquals(Set.of(), ids(http.get("/operator-inbox-subscriptions?operatorId=" + bo.id()
      + "&inboxId=" + inbox2, s.admin)));
    assertEquals(Set.of(), ids(http.get("/operator-inbox-subscriptions?operatorId=" + UUID.randomUUID(), s.admin)));
    assertEquals(Set.of(ana1, ana2, bo1), ids(http.get("/operator-inbox-subscriptions", s.person("MANAGER").token())));
  }

  @Test
  void operatorSeesOnlyOwnSubscriptions() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person ana = s.person("OPERATOR");
    Scenario.Person bo = s.person("OPERATOR");
    String anas = s.subscribe(ana.id(), inbox);
    s.subscribe(bo.id(), inbox);

    assertEquals(Set.of(anas), ids(http.get("/operator-inbox-subscriptions", ana.token())));
    assertEquals(Set.of(anas), ids(http.get("/operator-inbox-subscriptions?inboxId=" + inbox, ana.token())));
    // Filtering on another operator never reveals their subscriptions (whether the filter then answers nothing or is
    // overridden by the caller's own id is left open by the semantics).
    assertTrue(Set.of(anas).containsAll(ids(http.get("/operator-inbox-subscriptions?operatorId=" + bo.id(),
      ana.token()))));
  }

  @Test
  void deleteAnswers204ThenNotFound() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.person("OPERATOR");
    String id = s.subscribe(operator.id(), inbox);
    assertEquals(1, http.get("/inboxes", operator.token()).items().size());

    Http.Response deleted = http.delete("/operator-inbox-subscriptions/" + id, s.person("MANAGER").token());
    assertEquals(204, deleted.status(), deleted::toString);
    assertProblem(http.delete("/operator-inbox-subscriptions/" + id, s.admin), 404);
    assertEquals(0, http.get("/operator-inbox-subscriptions", s.admin).items().size());
    assertEquals(0, http.get("/inboxes", operator.token()).items().size(), "unsubscribed inbox no longer visible");

    Http.Response resubscribed = http.post("/operator-inbox-subscriptions", s.admin,
      new JsonObject().put("operatorId", operator.id()).put("inboxId", inbox));
    assertEquals(201, resubscribed.status(), resubscribed::toString);
  }

  @Test
  void unknownOperatorOrInboxIsNotFound() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.person("OPERATOR");
    assertProblem(http.post("/operator-inbox-subscriptions", s.admin,
      new JsonObject().put("operatorId", UUID.randomUUID().toString()).put("inboxId", inbox)), 404);
    assertProblem(http.post("/operator-inbox-subscriptions", s.admin,
      new JsonObject().put("operatorId", operator.id()).put("inboxId", UUID.randomUUID().toString())), 404);
    assertProblem(http.delete("/operator-inbox-subscriptions/" + UUID.randomUUID(), s.admin), 404);
    assertEquals(0, http.get("/operator-inbox-subscriptions", s.admin).items().size());
  }

  @Test
  void createRejectsInvalidBodies() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    assertProblem(http.post("/operator-inbox-subscriptions", s.admin, new JsonObject().put("inboxId", inbox)), 400);
    assertProblem(http.post("/operator-inbox-subscriptions", s.admin,
      new JsonObject().put("operatorId", "ana").put("inboxId", inbox)), 400);
    assertProblem(http.post("/operator-inbox-subscriptions", s.admin,
      new JsonObject().put("operatorId", s.adminId).put("inboxId", inbox).put("priority", 1)), 400);
    assertProblem(http.get("/operator-inbox-subscriptions?operatorId=ana", s.admin), 400);
  }

  private static Set<String> ids(Http.Response list) {
    assertEquals(200, list.status(), list::toString);
    return list.items().stream().map(o -> ((JsonObject) o).getString("id")).collect(Collectors.toSet());
  }
}
