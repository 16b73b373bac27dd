package io.inboxallocation.status;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.UUID;

import static io.inboxallocation.testing.Calls.instant;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operator status: OFFLINE at start, self-service and manager changes, lastStatusChangeAt, who may see it. */
class OperatorStatusTest extends ServiceTest {

  private static JsonObject status(Http.Response response) {
    assertEquals(200, response.status(), response::toString);
    return response.json();
  }

  private static JsonObject setMine(Person person, String status) {
    return status(http.post("/operator-status/me", person.token(), new JsonObject().put("status", status)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OPERATOR", "MANAGER", "ADMIN"})
  void newOperatorsStartOffline(String role) {
    Scenario s = newTenant();
    Person person = s.person(role);

    JsonObject mine = status(http.get("/operator-status/me", person.token()));

    assertEquals(person.id(), mine.getString("operatorId"));
    assertEquals("OFFLINE", mine.getString("status"));
    assertTrue(!instant(mine.getString("lastStatusChangeAt")).isAfter(Instant.now().plusSeconds(1)));
    assertEquals(mine, status(http.get("/operator-status/" + person.id(), s.admin)));
  }

  @Test
  void lastStatusChangeAtMovesOnlyOnARealTransition() {
    Scenario s = newTenant();
    Person operator = s.person("OPERATOR");
    Instant created = instant(status(http.get("/operator-status/me", operator.token())).getString("lastStatusChangeAt"));

    JsonObject stillOffline = setMine(operator, "OFFLINE");
    assertEquals("OFFLINE", stillOffline.getString("status"));
    assertEquals(created, instant(stillOffline.getString("lastStatusChangeAt")), "OFFLINE again is no transition");

    JsonObject available = setMine(operator, "AVAILABLE");
    assertEquals("AVAILABLE", available.getString("status"));
    assertEquals(operator.id(), available.getString("operatorId"));
    Instant wentAvailable = instant(available.getString("lastStatusChangeAt"));
    assertTrue(wentAvailable.isAfter(created), () -> wentAvailable + " after " + created);

    JsonObject again = setMine(operator, "AVAILABLE");
    assertEquals(wentAvailable, instant(again.getString("lastStatusChangeAt")), "AVAILABLE again is no transition");
    assertEquals(again, status(http.get("/operator-status/me", operator.token())));

    JsonObject offline = setMine(operator, "OFFLINE");
    assertEquals("OFFLINE", offline.getString("status"));
    assertTrue(instant(offline.getString("lastStatusChangeAt")).isAfter(wentAvailable));
  }

  @ParameterizedTest
  @ValueSource(strings = {"MANAGER", "ADMIN"})
  void managersSetAnOperatorsStatus(String role) {
    Scenario s = newTenant();
    Person operator = s.person("OPERATOR");
    String manager = role.equals("ADMIN") ? s.admin : s.person(role).token();
    String path = "/operator-status/" + operator.id();

    JsonObject available = status(http.put(path, manager, new JsonObject().put("status", "AVAILABLE")));
    assertEquals(operator.id(), available.getString("operatorId"));
    assertEquals("AVAILABLE", available.getString("status"));
    assertEquals(available, status(http.get("/operator-status/me", operator.token())));
    assertEquals(available, status(http.get(path, manager)));

    JsonObject repeated = status(http.put(path, manager, new JsonObject().put("status", "AVAILABLE")));
    assertEquals(available.getString("lastStatusChangeAt"), repeated.getString("lastStatusChangeAt"));
    assertEquals("OFFLINE", status(http.put(path, manager, new JsonObject().put("status", "OFFLINE")))
      .getString("status"));
  }

  @Test
  void whoMaySeeAndSetAnotherOperatorsStatus() {
    Scenario s = newTenant();
    Person operator = s.person("OPERATOR");
    Person colleague = s.person("OPERATOR");
    String path = "/operator-status/" + operator.id();

    assertEquals("OFFLINE", status(http.get(path, operator.token())).getString("status"));
    assertEquals("OFFLINE", status(http.get(path, s.person("MANAGER").token())).getString("status"));
    assertProblem(http.get(path, colleague.token()), 403);
    assertProblem(http.put(path, colleague.token(), new JsonObject().put("status", "AVAILABLE")), 403);
    assertProblem(http.put(path, operator.token(), new JsonObject().put("status", "AVAILABLE")), 403);
    assertProblem(http.put(path, s.service, new JsonObject().put("status", "AVAILABLE")), 403);
    assertEquals("OFFLINE", status(http.get(path, s.admin)).getString("status"));

    String unknown = "/operator-status/" + UUID.randomUUID();
    assertProblem(http.get(unknown, s.admin), 404);
    assertProblem(http.put(unknown, s.admin, new JsonObject().put("status", "AVAILABLE")), 404);
    Scenario other = newTenant();
    assertProblem(http.put(path, other.admin, new JsonObject().put("status", "AVAILABLE")), 404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"status\":\"BUSY\"}", "{\"status\":\"available\"}", "{}", "{\"status\":null}",
    "{\"status\":\"OFFLINE\",\"extra\":1}"})
  void invalidStatusBodiesAre400(String body) {
    Scenario s = newTenant();
    Person operator = s.person("OPERATOR");
    assertProblem(http.post("/operator-status/me", operator.token(), body), 400);
    assertProblem(http.put("/operator-status/" + operator.id(), s.admin, body), 400);
  }

  @Test
  void serviceHasNoStatus() {
    Scenario s = newTenant();
    assertProblem(http.get("/operator-status/me", s.service), 403);
    assertProblem(http.post("/operator-status/me", s.service, new JsonObject().put("status", "AVAILABLE")), 403);
  }
}
