package io.inboxallocation.assignment;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.ProblemAssert;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How many conversations an operator may hold at once: the settings, and the 409 beyond them. */
class CapacityTest extends ServiceTest {

  static final String CAPACITY_REACHED = "urn:inbox-allocation:problem:capacity-reached";

  @Test
  void theTenantDefaultAndTheOperatorsOwnLimitAreSettingsAnyoneCanRead() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    JsonObject tenant = http.get("/tenants/me", s.admin).json();
    assertNull(tenant.getValue("defaultMaxConcurrent"), "unlimited by default");
    assertEquals("PULL", tenant.getString("assignmentMode"));
    assertNull(http.get("/operators/" + operator.id(), s.admin).json().getValue("maxConcurrent"));
    assertStatus(s, operator, 0, null);

    assertEquals(4, Calls.patchTenant(s, new JsonObject().put("defaultMaxConcurrent", 4)).getInteger("defaultMaxConcurrent"));
    assertStatus(s, operator, 0, 4);
    Http.Response own = http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("maxConcurrent", 2));
    assertEquals(200, own.status(), own::toString);
    assertEquals(2, own.json().getInteger("maxConcurrent"));
    assertEquals(2, http.get("/operators/" + operator.id(), s.admin).json().getInteger("maxConcurrent"));
    assertStatus(s, operator, 0, 2);

    Calls.claimed(s, operator, inbox);
    assertStatus(s, operator, 1, 2);
    JsonObject cleared = http.patch("/operators/" + operator.id(), s.admin, new JsonObject().putNull("maxConcurrent")).json();
    assertNull(cleared.getValue("maxConcurrent"), "null: back to the tenant's default");
    assertStatus(s, operator, 1, 4);
    assertNull(Calls.patchTenant(s, new JsonObject().putNull("defaultMaxConcurrent")).getValue("defaultMaxConcurrent"));
    assertStatus(s, operator, 1, null);
    assertEquals("renamed", Calls.patchTenant(s, new JsonObject().put("name", "renamed")).getString("name"));
    assertNull(http.get("/tenants/me", s.admin).json().getValue("defaultMaxConcurrent"), "an absent field is unchanged");

    for (Object bad : List.of(0, -1, 1.5, "3")) {
      ProblemAssert.assertProblem(http.patch("/tenants/me", s.admin, new JsonObject().put("defaultMaxConcurrent", bad)), 400);
      ProblemAssert.assertProblem(http.patch("/operators/" + operator.id(), s.admin,
        new JsonObject().put("maxConcurrent", bad)), 400);
    }
    ProblemAssert.assertProblem(http.patch("/tenants/me", s.admin, new JsonObject().put("assignmentMode", "SOMETIMES")), 400);
    assertEquals(403, http.patch("/operators/" + operator.id(), operator.token(),
      new JsonObject().put("maxConcurrent", 50)).status(), "an operator may not raise their own limit");
  }

  @Test
  void allocateClaimAndReassignStopAtCapacityButARepeatStillAnswers200() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    Scenario.Person colleague = s.availableOperator(inbox);
    http.patch("/operators/" + operator.id(), s.admin, new JsonObject().put("maxConcurrent", 1));
    String held = Calls.claimed(s, operator, inbox).getString("id");
    String other = s.conversation(inbox).getString("id");

    assertCapacityReached(Calls.claim(s, operator.token(), other));
    assertCapacityReached(Calls.allocate(s, operator.token()));
    String colleagues = Calls.claimed(s, colleague, inbox).getString("id");
    assertCapacityReached(Calls.reassign(s, s.admin, colleagues, operator.id()));
    assertEquals(colleague.id(), Calls.get(s, colleagues).getString("assignedOperatorId"), "nothing changed");
    assertEquals("QUEUED", Calls.get(s, other).getString("state"));

    Calls.assertUnchanged(s, held, () -> Calls.claim(s, operator.token(), held));
    Calls.assertUnchanged(s, held, () -> Calls.reassign(s, s.admin, held, operator.id()));
    assertStatus(s, operator, 1, 1);

    assertEquals(200, Calls.resolve(s, operator.token(), held).status());
    assertEquals(200, Calls.claim(s, operator.token(), other).status(), "room again once one is resolved");
  }

  @Test
  void loweringACapacityBelowTheLoadTakesNothingAwayAndOnlyStopsNewWork() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.availableOperator(inbox);
    List<String> held = List.of(Calls.claimed(s, operator, inbox).getString("id"),
      Calls.claimed(s, operator, inbox).getString("id"), Calls.claimed(s, operator, inbox).getString("id"));
    Calls.patchTenant(s, new JsonObject().put("defaultMaxConcurrent", 1));
    assertStatus(s, operator, 3, 1);
    for (String id : held) {
      assertEquals("ALLOCATED", Calls.get(s, id).getString("state"));
      assertEquals(operator.id(), Calls.get(s, id).getString("assignedOperatorId"));
    }
    s.conversation(inbox);
    assertCapacityReached(Calls.allocate(s, operator.token()));
    assertEquals(200, Calls.resolve(s, operator.token(), held.get(0)).status());
    assertEquals(200, Calls.resolve(s, operator.token(), held.get(1)).status());
    assertCapacityReached(Calls.allocate(s, operator.token()));
    assertEquals(200, Calls.resolve(s, operator.token(), held.get(2)).status());
    assertEquals(200, Calls.allocate(s, operator.token()).status());
  }

  static void assertCapacityReached(Http.Response answer) {
    JsonObject problem = ProblemAssert.assertProblem(answer, 409);
    assertEquals(CAPACITY_REACHED, problem.getString("type"), answer::toString);
  }

  private static void assertStatus(Scenario s, Scenario.Person operator, long active, Integer capacity) {
    for (Http.Response status : List.of(s.http.get("/operator-status/" + operator.id(), s.admin),
      s.http.get("/operator-status/me", operator.token()))) {
      assertEquals(200, status.status(), status::toString);
      assertEquals(active, status.json().getLong("activeConversations"), status::toString);
      assertEquals(capacity, status.json().getInteger("capacity"), status::toString);
    }
  }
}
