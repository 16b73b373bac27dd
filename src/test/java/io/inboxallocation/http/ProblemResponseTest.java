package io.inboxallocation.http;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of error answers an RFC 9457 problem: application/problem+json with type, title, status and detail. */
class ProblemResponseTest extends ServiceTest {

  @ParameterizedTest
  @ValueSource(strings = {"/nope", "/operators/" + "00000000-0000-4000-8000-000000000001" + "/extra", "/api/v2/tenants",
    "/tenants/me/settings"})
  void unknownPathIs404Problem(String path) {
    Scenario s = newTenant();
    assertProblem(http.get(path, s.admin), 404);
  }

  @Test
  void unknownPathWithoutTokenIsStillAProblem() {
    Http.Response response = http.raw(HttpMethod.GET, "/definitely/not/here", MultiMap.caseInsensitiveMultiMap(), null);
    assertTrue(response.status() == 404 || response.status() == 401, response::toString);
    assertProblem(response, response.status());
  }

  @Test
  void eachStatusIsAProblem() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    String number = Scenario.randomPhone();
    http.post("/inboxes", s.admin, new JsonObject().put("phoneNumber", number).put("displayName", "one"));

    assertProblem(http.post("/inboxes", s.admin, "{"), 400);
    assertProblem(http.get("/tenants/me", null), 401);
    assertProblem(http.patch("/tenants/me", operator.token(), new JsonObject().put("name", "x")), 403);
    assertProblem(http.get("/inboxes/" + UUID.randomUUID(), s.admin), 404);
    assertProblem(http.post("/inboxes", s.admin, new JsonObject().put("phoneNumber", number).put("displayName", "two")),
      409);
  }

  @Test
  void problemTypeDistinguishesKinds() {
    Scenario s = newTenant();
    String notFound = assertProblem(http.get("/inboxes/" + UUID.randomUUID(), s.admin), 404).getString("type");
    String invalid = assertProblem(http.get("/inboxes/x", s.admin), 400).getString("type");
    assertTrue(!notFound.equals(invalid), "400 and 404 have different problem types");
  }
}
