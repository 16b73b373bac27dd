package io.inboxallocation.auth;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Staff tokens act with the role stored for the operator now, and stop working once the operator is deleted. */
class StoredRoleTest extends ServiceTest {

  @Test
  void deletedOperatorsTokenIsUnauthorized() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    assertEquals(200, http.get("/tenants/me", operator.token()).status());

    Http.Response deleted = http.delete("/operators/" + operator.id(), s.admin);
    assertEquals(204, deleted.status(), deleted::toString);

    assertProblem(http.get("/tenants/me", operator.token()), 401);
    assertProblem(http.get("/operator-status/me", operator.token()), 401);
  }

  @Test
  void demotedAdminIsForbiddenAdminOperationsAtOnce() {
    Scenario s = newTenant();
    Scenario.Person second = s.person("ADMIN");
    Http.Response before = http.patch("/tenants/me", second.token(), new JsonObject().put("name", "by second admin"));
    assertEquals(200, before.status(), before::toString);

    Http.Response demoted = http.patch("/operators/" + second.id(), s.admin, new JsonObject().put("role", "OPERATOR"));
    assertEquals(200, demoted.status(), demoted::toString);
    assertEquals("OPERATOR", demoted.json().getString("role"));

    // Same token, issued while they were ADMIN.
    assertProblem(http.patch("/tenants/me", second.token(), new JsonObject().put("name", "after demotion")), 403);
    assertProblem(http.post("/operators", second.token(), new JsonObject().put("name", "x").put("role", "ADMIN")), 403);
    assertProblem(http.post("/inboxes", second.token(),
      new JsonObject().put("phoneNumber", Scenario.randomPhone()).put("displayName", "x")), 403);
    assertEquals(200, http.get("/tenants/me", second.token()).status(), "still authenticated as an operator");
    assertEquals("by second admin", http.get("/tenants/me", s.admin).json().getString("name"));
  }

  @Test
  void operatorTokenClaimingAdminActsAsOperator() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    String subscribed = s.inbox();
    String other = s.inbox();
    s.subscribe(operator.id(), subscribed);
    String claimsAdmin = app.token(Role.ADMIN, s.tenantId, operator.id());

    assertProblem(http.patch("/tenants/me", claimsAdmin, new JsonObject().put("name", "taken over")), 403);
    assertProblem(http.post("/operators", claimsAdmin, new JsonObject().put("name", "me too").put("role", "ADMIN")), 403);
    assertProblem(http.patch("/operators/" + operator.id(), claimsAdmin, new JsonObject().put("role", "ADMIN")), 403);
    assertProblem(http.delete("/inboxes/" + other, claimsAdmin), 403);

    Http.Response inboxes = http.get("/inboxes", claimsAdmin);
    assertEquals(200, inboxes.status(), inboxes::toString);
    assertEquals(1, inboxes.items().size(), inboxes::toString);
    assertEquals(subscribed, inboxes.items().getJsonObject(0).getString("id"));
    assertProblem(http.get("/inboxes/" + other, claimsAdmin), 404);

    Http.Response stored = http.get("/operators/" + operator.id(), s.admin);
    assertEquals("OPERATOR", stored.json().getString("role"), stored::toString);
  }

  @Test
  void managerTokenClaimingAdminCannotDoAdminWork() {
    Scenario s = newTenant();
    Scenario.Person manager = s.person("MANAGER");
    String claimsAdmin = app.token(Role.ADMIN, s.tenantId, manager.id());
    assertProblem(http.patch("/tenants/me", claimsAdmin, new JsonObject().put("delayWeight", 5)), 403);
    assertEquals(1.0, http.get("/tenants/me", s.admin).json().getDouble("delayWeight"));
  }

  @Test
  void promotedOperatorGainsTheNewRoleWithTheOldToken() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    JsonObject inbox = new JsonObject().put("phoneNumber", Scenario.randomPhone()).put("displayName", "promoted");
    assertProblem(http.post("/inboxes", operator.token(), inbox), 403);

    Http.Response promoted = http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("role", "MANAGER"));
    assertEquals(200, promoted.status(), promoted::toString);

    Http.Response created = http.post("/inboxes", operator.token(), inbox);
    assertEquals(201, created.status(), created::toString);
  }

  @Test
  void serviceTokenIsScopedToItsTenant() {
    Scenario s = newTenant();
    Scenario other = newTenant();
    Http.Response mine = http.get("/tenants/me", s.service);
    assertEquals(s.tenantId.toString(), mine.id(), mine::toString);
    assertEquals(other.tenantId.toString(), http.get("/tenants/me", other.service).id());
    // A SERVICE may name any subject; a random one does not matter.
    String anySubject = app.token(Role.SERVICE, s.tenantId, "svc-" + UUID.randomUUID());
    assertEquals(200, http.get("/tenants/me", anySubject).status());
  }
}
