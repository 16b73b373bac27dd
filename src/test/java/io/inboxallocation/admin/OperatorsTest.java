package io.inboxallocation.admin;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import static io.inboxallocation.testing.ProblemAssert.assertBadField;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Operators: create, list, get, patch, delete, and who may create them where. */
class OperatorsTest extends ServiceTest {

  @ParameterizedTest
  @ValueSource(strings = {"OPERATOR", "MANAGER", "ADMIN"})
  void adminCreatesOperatorOfEachRoleInOwnTenant(String role) {
    Scenario s = newTenant();
    Http.Response created = http.post("/operators", s.admin, new JsonObject().put("name", "Ana").put("role", role));
    assertEquals(201, created.status(), created::toString);
    JsonObject operator = created.json();
    UUID.fromString(operator.getString("id"));
    assertEquals(s.tenantId.toString(), operator.getString("tenantId"));
    assertEquals("Ana", operator.getString("name"));
    assertEquals(role, operator.getString("role"));
    assertNotNull(operator.getString("createdAt"));
    assertEquals(operator, http.get("/operators/" + operator.getString("id"), s.admin).json());
  }

  @Test
  void newOperatorStartsOffline() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    Http.Response status = http.get("/operator-status/" + operator.id(), s.admin);
    assertEquals(200, status.status(), status::toString);
    assertEquals(operator.id(), status.json().getString("operatorId"));
    assertEquals("OFFLINE", status.json().getString("status"));
    assertNotNull(status.json().getString("lastStatusChangeAt"));
  }

  @Test
  void adminMayNameOwnTenantButNotAnother() {
    Scenario s = newTenant();
    Scenario other = newTenant();
    Http.Response own = http.post("/operators", s.admin,
      new JsonObject().put("name", "Bo").put("role", "MANAGER").put("tenantId", s.tenantId.toString()));
    assertEquals(201, own.status(), own::toString);
    assertEquals(s.tenantId.toString(), own.json().getString("tenantId"));

    assertProblem(http.post("/operators", s.admin,
      new JsonObject().put("name", "Mole").put("role", "ADMIN").put("tenantId", other.tenantId.toString())), 404);
    assertEquals(1, http.get("/operators", other.admin).items().size(), "only the other tenant's own admin");
  }

  @Test
  void platformAdminCreatesOperatorInNamedTenant() {
    Scenario s = newTenant();
    Http.Response created = http.post("/operators", app.platformToken(),
      new JsonObject().put("name", "Cy").put("role", "MANAGER").put("tenantId", s.tenantId.toString()));
    assertEquals(201, created.status(), created::toString);
    assertEquals(s.tenantId.toString(), created.json().getString("tenantId"));
    assertEquals(200, http.get("/operators/" + created.id(), s.admin).status());
  }

  @Test
  void platformAdminMustNameATenant() {
    assertBadField(http.post("/operators", app.platformToken(), new JsonObject().put("name", "Cy").put("role", "ADMIN")),
      "tenantId");
  }

  @Test
  void platformAdminNamingUnknownTenantGets404() {
    assertProblem(http.post("/operators", app.platformToken(), new JsonObject().put("name", "Cy").put("role", "ADMIN")
      .put("tenantId", UUID.randomUUID().toString())), 404);
  }

  @Test
  void listIsTheTenantsOperatorsByName() {
    Scenario s = newTenant();
    for (String name : new String[] {"Carla", "Alberto", "Bruno"}) {
      assertEquals(201, http.post("/operators", s.admin, new JsonObject().put("name", name).put("role", "OPERATOR"))
        .status());
    }
    newTenant().person("OPERATOR");
    Http.Response list = http.get("/operators", s.service);
    assertEquals(200, list.status(), list::toString);
    List<String> names = list.items().stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertEquals(List.of("Admin", "Alberto", "Bruno", "Carla"), names);
  }

  @Test
  void patchRenamesAndChangesRole() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    JsonObject before = http.get("/operators/" + operator.id(), s.admin).json();

    Http.Response renamed = http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("name", "Dora"));
    assertEquals(200, renamed.status(), renamed::toString);
    assertEquals("Dora", renamed.json().getString("name"));
    assertEquals("OPERATOR", renamed.json().getString("role"));

    Http.Response promoted = http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("role", "MANAGER"));
    assertEquals(200, promoted.status(), promoted::toString);
    JsonObject after = http.get("/operators/" + operator.id(), s.admin).json();
    assertEquals("Dora", after.getString("name"));
    assertEquals("MANAGER", after.getString("role"));
    assertEquals(before.getString("createdAt"), after.getString("createdAt"));
    assertEquals(before.getString("tenantId"), after.getString("tenantId"));
  }

  @Test
  void patchRejectsEmptyAndUnknownAndBadRole() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    assertProblem(http.patch("/operators/" + operator.id(), s.admin, new JsonObject()), 400);
    assertProblem(http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("tenantId",
      UUID.randomUUID().toString())), 400);
    assertBadField(http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("role", "SERVICE")), "role");
    assertProblem(http.patch("/operators/" + UUID.randomUUID(), s.admin, new JsonObject().put("name", "x")), 404);
    assertEquals("OPERATOR", http.get("/operators/" + operator.id(), s.admin).json().getString("role"));
  }

  @Test
  void deleteRemovesTheOperator() throws Exception {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    String inbox = s.inbox();
    s.subscribe(operator.id(), inbox);

    Http.Response deleted = http.delete("/operators/" + operator.id(), s.admin);
    assertEquals(204, deleted.status(), deleted::toString);
    assertEquals("", deleted.body());

    assertProblem(http.get("/operators/" + operator.id(), s.admin), 404);
    assertProblem(http.delete("/operators/" + operator.id(), s.admin), 404);
    assertProblem(http.get("/operator-status/" + operator.id(), s.admin), 404);
    assertFalse(http.get("/operators", s.admin).body().contains(operator.id()));
    assertFalse(http.get("/operator-inbox-subscriptions", s.admin).body().contains(operator.id()),
      "the deleted operator's subscriptions are gone");
    try (Connection db = app.jdbc();
         PreparedStatement query = db.prepareStatement("SELECT count(*) FROM operator WHERE id = ?::uuid")) {
      query.setString(1, operator.id());
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        assertEquals(0, rows.getInt(1), "operator row deleted");
      }
    }
  }

  @Test
  void createRejectsInvalidBodies() {
    Scenario s = newTenant();
    assertBadField(http.post("/operators", s.admin, new JsonObject().put("name", "x").put("role", "KING")), "role");
    assertBadField(http.post("/operators", s.admin, new JsonObject().put("role", "OPERATOR")), "name");
    assertBadField(http.post("/operators", s.admin, new JsonObject().put("name", "x")), "role");
    assertProblem(http.post("/operators", s.admin, new JsonObject().put("name", "").put("role", "OPERATOR")), 400);
    assertProblem(http.post("/operators", s.admin,
      new JsonObject().put("name", "x").put("role", "OPERATOR").put("tenantId", "acme")), 400);
    assertEquals(1, http.get("/operators", s.admin).items().size());
  }
}
