package io.inboxallocation.access;

import io.inboxallocation.auth.Role;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.inboxallocation.auth.Role.ADMIN;
import static io.inboxallocation.auth.Role.MANAGER;
import static io.inboxallocation.auth.Role.OPERATOR;
import static io.inboxallocation.auth.Role.PLATFORM_ADMIN;
import static io.inboxallocation.auth.Role.SERVICE;
import static io.inboxallocation.testing.ProblemAssert.assertAllowed;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Role checks per endpoint (SEMANTICS.md "Role sets used by the routes"): allowed roles never get 401/403, the others
 * get exactly 403. Ids are random where the role check alone is under test (roles are checked before ids are looked
 * up), so allowed roles typically see 404 and nothing is changed. Roles the semantics leave open are not asserted.
 */
class PermissionMatrixTest extends ServiceTest {

  private static final Set<Role> STAFF = EnumSet.of(OPERATOR, MANAGER, ADMIN);
  private static final Set<Role> TENANT = EnumSet.of(OPERATOR, MANAGER, ADMIN, SERVICE);
  private static final Set<Role> MANAGERS = EnumSet.of(MANAGER, ADMIN);

  /** What a request may refer to: the tenant, and an operator other than the caller (the MANAGER). */
  record Ctx(Scenario s, String otherOperatorId) {
  }

  record Endpoint(HttpMethod method, Function<Ctx, String> path, Function<Ctx, JsonObject> body, Set<Role> allowed,
                  Set<Role> unspecified) {
    @Override
    public String toString() {
      return method.name() + " " + path.apply(new Ctx(null, "{id}")).replaceAll("[0-9a-f-]{36}", "{id}");
    }
  }

  static Stream<Arguments> endpoints() {
    return Stream.<Arguments>of(
      e(HttpMethod.POST, c -> "/tenants", c -> new JsonObject().put("name", "t-" + UUID.randomUUID()),
        EnumSet.of(PLATFORM_ADMIN)),
      e(HttpMethod.GET, c -> "/tenants/me", null, TENANT),
      e(HttpMethod.PATCH, c -> "/tenants/me", c -> new JsonObject().put("name", "renamed"), EnumSet.of(ADMIN)),

      e(HttpMethod.POST, c -> "/operators", c -> new JsonObject().put("name", "new").put("role", "OPERATOR")
        .put("tenantId", c.s() == null ? rnd() : c.s().tenantId.toString()), EnumSet.of(ADMIN, PLATFORM_ADMIN)),
      e(HttpMethod.GET, c -> "/operators", null, TENANT),
      e(HttpMethod.GET, c -> "/operators/" + rnd(), null, TENANT),
      e(HttpMethod.PATCH, c -> "/operators/" + rnd(), c -> new JsonObject().put("name", "x"), EnumSet.of(ADMIN)),
      e(HttpMethod.DELETE, c -> "/operators/" + rnd(), null, EnumSet.of(ADMIN)),

      e(HttpMethod.POST, c -> "/inboxes", c -> new JsonObject().put("phoneNumber", Scenario.randomPhone())
        .put("displayName", "inbox"), MANAGERS),
      e(HttpMethod.GET, c -> "/inboxes", null, TENANT),
      e(HttpMethod.GET, c -> "/inboxes/" + rnd(), null, TENANT),
      e(HttpMethod.PATCH, c -> "/inboxes/" + rnd(), c -> new JsonObject().put("displayName", "x"), MANAGERS),
      e(HttpMethod.DELETE, c -> "/inboxes/" + rnd(), null, MANAGERS),

      e(HttpMethod.POST, c -> "/operator-inbox-subscriptions",
        c -> new JsonObject().put("operatorId", rnd()).put("inboxId", rnd()), MANAGERS),
      e(HttpMethod.GET, c -> "/operator-inbox-subscriptions", null, STAFF, EnumSet.of(SERVICE)),
      e(HttpMethod.DELETE, c -> "/operator-inbox-subscriptions/" + rnd(), null, MANAGERS),

      e(HttpMethod.POST, c -> "/conversations", c -> new JsonObject().put("inboxId", rnd())
        .put("externalConversationId", "ext-" + UUID.randomUUID()).put("customerPhoneNumber", "+5511999990000"),
        EnumSet.of(SERVICE, ADMIN)),
      e(HttpMethod.GET, c -> "/conversations", null, TENANT),
      e(HttpMethod.GET, c -> "/conversations/search/by-phone?phoneNumber=%2B55%2011%2099999-0000", null, TENANT),
      e(HttpMethod.GET, c -> "/conversations/" + rnd(), null, TENANT),
      e(HttpMethod.GET, c -> "/conversations/" + rnd() + "/events", null, TENANT),
      e(HttpMethod.GET, c -> "/conversations/" + rnd() + "/history", null, TENANT),
      e(HttpMethod.GET, c -> "/conversations/" + rnd() + "/contact", null, TENANT),
      e(HttpMethod.POST, c -> "/conversations/" + rnd() + "/labels/" + rnd(), null, TENANT),
      e(HttpMethod.DELETE, c -> "/conversations/" + rnd() + "/labels/" + rnd(), null, TENANT),

      e(HttpMethod.POST, c -> "/allocation/allocate", c -> new JsonObject(), STAFF),
      e(HttpMethod.POST, c -> "/allocation/claim", c -> command(), STAFF),
      e(HttpMethod.POST, c -> "/allocation/resolve", c -> command(), STAFF),
      e(HttpMethod.POST, c -> "/allocation/deallocate", c -> command(), STAFF),
      e(HttpMethod.POST, c -> "/allocation/reassign", c -> command().put("newOperatorId", rnd()), MANAGERS),
      e(HttpMethod.POST, c -> "/allocation/move-inbox", c -> command().put("newInboxId", rnd()), MANAGERS),

      e(HttpMethod.POST, c -> "/labels", c -> new JsonObject().put("inboxId", rnd()).put("name", "vip"), STAFF,
        EnumSet.of(SERVICE)),
      e(HttpMethod.GET, c -> "/labels", null, STAFF, EnumSet.of(SERVICE)),
      e(HttpMethod.GET, c -> "/labels/" + rnd(), null, STAFF, EnumSet.of(SERVICE)),
      e(HttpMethod.PATCH, c -> "/labels/" + rnd(), c -> new JsonObject().put("name", "x"), STAFF, EnumSet.of(SERVICE)),
      e(HttpMethod.DELETE, c -> "/labels/" + rnd(), null, STAFF, EnumSet.of(SERVICE)),

      e(HttpMethod.GET, c -> "/operator-status/me", null, STAFF),
      e(HttpMethod.POST, c -> "/operator-status/me", c -> new JsonObject().put("status", "AVAILABLE"), STAFF),
      // The OPERATOR asks for another operator's status: 403.
      e(HttpMethod.GET, c -> "/operator-status/" + c.otherOperatorId(), null, MANAGERS),
      e(HttpMethod.PUT, c -> "/operator-status/" + c.otherOperatorId(), c -> new JsonObject().put("status", "OFFLINE"),
        MANAGERS),

      e(HttpMethod.GET, c -> "/grace-period", null, MANAGERS),
      e(HttpMethod.POST, c -> "/grace-period/process", c -> new JsonObject(), MANAGERS),

      e(HttpMethod.POST, c -> "/webhooks", c -> new JsonObject().put("url", "https://93.184.215.14/hooks"),
        EnumSet.of(ADMIN)),
      e(HttpMethod.GET, c -> "/webhooks", null, EnumSet.of(ADMIN)),
      e(HttpMethod.GET, c -> "/webhooks/" + rnd(), null, EnumSet.of(ADMIN)),
      e(HttpMethod.PATCH, c -> "/webhooks/" + rnd(), c -> new JsonObject().put("enabled", false), EnumSet.of(ADMIN)),
      e(HttpMethod.DELETE, c -> "/webhooks/" + rnd(), null, EnumSet.of(ADMIN)),
      e(HttpMethod.GET, c -> "/webhooks/" + rnd() + "/secret", null, EnumSet.of(ADMIN)),
      e(HttpMethod.POST, c -> "/webhooks/" + rnd() + "/rotate-secret", null, EnumSet.of(ADMIN)),
      e(HttpMethod.GET, c -> "/webhooks/" + rnd() + "/deliveries", null, EnumSet.of(ADMIN)),
      e(HttpMethod.POST, c -> "/webhooks/" + rnd() + "/deliveries/1/retry", null, EnumSet.of(ADMIN)),
      e(HttpMethod.POST, c -> "/webhooks/" + rnd() + "/recover", c -> new JsonObject().put("since",
        "2026-01-01T00:00:00Z"), EnumSet.of(ADMIN)),
      e(HttpMethod.POST, c -> "/webhooks/" + rnd() + "/test", null, EnumSet.of(ADMIN)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void onlyAllowedRolesPass(Endpoint endpoint) {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    Scenario.Person manager = s.person("MANAGER");
    Map<Role, String> tokens = new EnumMap<>(Role.class);
    tokens.put(OPERATOR, operator.token());
    tokens.put(MANAGER, manager.token());
    tokens.put(ADMIN, s.admin);
    tokens.put(SERVICE, s.service);
    tokens.put(PLATFORM_ADMIN, app.platformToken());
    Ctx ctx = new Ctx(s, manager.id());

    List<Executable> checks = new ArrayList<>();
    for (Role role : Role.values()) {
      if (endpoint.unspecified().contains(role)) {
        continue;
      }
      String path = endpoint.path().apply(ctx);
      JsonObject body = endpoint.body() == null ? null : endpoint.body().apply(ctx);
      Http.Response response = http.send(endpoint.method(), path, tokens.get(role), body).await();
      String what = role + " on " + endpoint;
      if (endpoint.allowed().contains(role)) {
        checks.add(() -> assertAllowed(response, what));
      } else {
        checks.add(() -> assertEquals(403, response.status(), () -> what + ": " + response));
        checks.add(() -> {
          if (response.status() == 403) {
            assertProblem(response, 403);
          }
        });
      }
    }
    assertAll(endpoint.toString(), checks);
  }

  @Test
  void operatorMayReadItsOwnStatusById() {
    Scenario s = newTenant();
    Scenario.Person operator = s.person("OPERATOR");
    Http.Response own = http.get("/operator-status/" + operator.id(), operator.token());
    assertEquals(200, own.status(), own::toString);
    assertEquals(operator.id(), own.json().getString("operatorId"));
  }

  @Test
  void forbiddenWriteChangesNothing() {
    Scenario s = newTenant();
    Scenario.Person manager = s.person("MANAGER");
    Scenario.Person operator = s.person("OPERATOR");
    String inbox = s.inbox();

    assertProblem(http.patch("/operators/" + operator.id(), manager.token(), new JsonObject().put("role", "ADMIN")), 403);
    assertProblem(http.delete("/operators/" + operator.id(), manager.token()), 403);
    assertProblem(http.delete("/inboxes/" + inbox, operator.token()), 403);
    assertProblem(http.put("/operator-status/" + manager.id(), operator.token(),
      new JsonObject().put("status", "AVAILABLE")), 403);

    assertEquals("OPERATOR", http.get("/operators/" + operator.id(), s.admin).json().getString("role"));
    assertEquals(200, http.get("/inboxes/" + inbox, s.admin).status());
    assertEquals("OFFLINE", http.get("/operator-status/" + manager.id(), s.admin).json().getString("status"));
  }

  private static JsonObject command() {
    return new JsonObject().put("conversationId", rnd());
  }

  private static String rnd() {
    return UUID.randomUUID().toString();
  }

  private static Arguments e(HttpMethod method, Function<Ctx, String> path, Function<Ctx, JsonObject> body,
                             Set<Role> allowed) {
    return e(method, path, body, allowed, EnumSet.noneOf(Role.class));
  }

  private static Arguments e(HttpMethod method, Function<Ctx, String> path, Function<Ctx, JsonObject> body,
                             Set<Role> allowed, Set<Role> unspecified) {
    return Arguments.of(new Endpoint(method, path, body, allowed, unspecified));
  }
}
