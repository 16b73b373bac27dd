package io.inboxallocation.access;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tenant A's admin (or orchestrator) naming tenant B's ids gets 404, exactly as for ids nobody has, and B's data is
 * unchanged afterwards.
 */
class TenantIsolationTest extends ServiceTest {

  /** One request of the attacker: method, path, body (may be null) and the token to send. */
  record Request(HttpMethod method, String path, JsonObject body, String token) {
  }

  /** Builds the request of attacker {@code a} naming the target's ids. */
  interface Attack extends BiFunction<TenantData, Ids, Request> {
  }

  static Stream<Arguments> attacks() {
    return Stream.<Arguments>of(
      attack("GET operator", (a, t) -> admin(a, HttpMethod.GET, "/operators/" + t.operator(), null)),
      attack("PATCH operator", (a, t) -> admin(a, HttpMethod.PATCH, "/operators/" + t.operator(),
        new JsonObject().put("name", "hijacked").put("role", "OPERATOR"))),
      attack("DELETE operator", (a, t) -> admin(a, HttpMethod.DELETE, "/operators/" + t.operator(), null)),
      attack("POST operator into the tenant", (a, t) -> admin(a, HttpMethod.POST, "/operators",
        new JsonObject().put("name", "mole").put("role", "ADMIN").put("tenantId", t.tenantId()))),

      attack("GET inbox", (a, t) -> admin(a, HttpMethod.GET, "/inboxes/" + t.inbox(), null)),
      attack("PATCH inbox", (a, t) -> admin(a, HttpMethod.PATCH, "/inboxes/" + t.inbox(),
        new JsonObject().put("displayName", "hijacked"))),
      attack("DELETE inbox", (a, t) -> admin(a, HttpMethod.DELETE, "/inboxes/" + t.inbox(), null)),

      attack("DELETE subscription", (a, t) -> admin(a, HttpMethod.DELETE,
        "/operator-inbox-subscriptions/" + t.subscription(), null)),
      attack("POST subscription of the tenant's operator", (a, t) -> admin(a, HttpMethod.POST,
        "/operator-inbox-subscriptions", new JsonObject().put("operatorId", t.operator()).put("inboxId", a.inbox()))),
      attack("POST subscription to the tenant's inbox", (a, t) -> admin(a, HttpMethod.POST,
        "/operator-inbox-subscriptions", new JsonObject().put("operatorId", a.operator()).put("inboxId", t.inbox()))),

      attack("GET conversation", (a, t) -> admin(a, HttpMethod.GET, "/conversations/" + t.conversation(), null)),
      attack("GET conversation as SERVICE", (a, t) -> new Request(HttpMethod.GET, "/conversations/" + t.conversation(),
        null, a.s.service)),
      attack("GET conversation events", (a, t) -> admin(a, HttpMethod.GET,
        "/conversations/" + t.conversation() + "/events", null)),
      attack("POST conversation into the tenant's inbox (ADMIN)", (a, t) -> admin(a, HttpMethod.POST, "/conversations",
        upsert(t.inbox()))),
      attack("POST conversation into the tenant's inbox (SERVICE)", (a, t) -> new Request(HttpMethod.POST,
        "/conversations", upsert(t.inbox()), a.s.service)),

      attack("attach own label to the tenant's conversation", (a, t) -> admin(a, HttpMethod.POST,
        "/conversations/" + t.conversation() + "/labels/" + a.label(), null)),
      attack("detach own label from the tenant's conversation", (a, t) -> admin(a, HttpMethod.DELETE,
        "/conversations/" + t.conversation() + "/labels/" + a.label(), null)),
      attack("attach the tenant's label to own conversation", (a, t) -> admin(a, HttpMethod.POST,
        "/conversations/" + a.conversation() + "/labels/" + t.label(), null)),
      attack("detach the tenant's label from own conversation", (a, t) -> admin(a, HttpMethod.DELETE,
        "/conversations/" + a.conversation() + "/labels/" + t.label(), null)),
      attack("GET label", (a, t) -> admin(a, HttpMethod.GET, "/labels/" + t.label(), null)),
      attack("PATCH label", (a, t) -> admin(a, HttpMethod.PATCH, "/labels/" + t.label(),
        new JsonObject().put("name", "hijacked"))),
      attack("DELETE label", (a, t) -> admin(a, HttpMethod.DELETE, "/labels/" + t.label(), null)),
      attack("POST label in the tenant's inbox", (a, t) -> admin(a, HttpMethod.POST, "/labels",
        new JsonObject().put("inboxId", t.inbox()).put("name", "planted"))),

      attack("claim", (a, t) -> {
        a.readyAdmin();
        return admin(a, HttpMethod.POST, "/allocation/claim", new JsonObject().put("conversationId", t.conversation()));
      }),
      attack("resolve", (a, t) -> admin(a, HttpMethod.POST, "/allocation/resolve",
        new JsonObject().put("conversationId", t.allocated()))),
      attack("deallocate", (a, t) -> admin(a, HttpMethod.POST, "/allocation/deallocate",
        new JsonObject().put("conversationId", t.allocated()))),
      attack("reassign the tenant's allocated conversation", (a, t) -> admin(a, HttpMethod.POST, "/allocation/reassign",
        new JsonObject().put("conversationId", t.allocated()).put("newOperatorId", a.operator()))),
      attack("move the tenant's allocated conversation", (a, t) -> admin(a, HttpMethod.POST, "/allocation/move-inbox",
        new JsonObject().put("conversationId", t.allocated()).put("newInboxId", a.inbox()))),
      attack("reassign the tenant's conversation", (a, t) -> admin(a, HttpMethod.POST, "/allocation/reassign",
        new JsonObject().put("conversationId", t.conversation()).put("newOperatorId", a.operator()))),
      attack("reassign own conversation to the tenant's operator", (a, t) -> admin(a, HttpMethod.POST,
        "/allocation/reassign", new JsonObject().put("conversationId", a.conversation())
          .put("newOperatorId", t.operator()))),
      attack("move the tenant's conversation", (a, t) -> admin(a, HttpMethod.POST, "/allocation/move-inbox",
        new JsonObject().put("conversationId", t.conversation()).put("newInboxId", a.inbox()))),
      attack("move own conversation to the tenant's inbox", (a, t) -> admin(a, HttpMethod.POST,
        "/allocation/move-inbox", new JsonObject().put("conversationId", a.conversation())
          .put("newInboxId", t.inbox()))),

      attack("GET operator status", (a, t) -> admin(a, HttpMethod.GET, "/operator-status/" + t.operator(), null)),
      attack("PUT operator status", (a, t) -> admin(a, HttpMethod.PUT, "/operator-status/" + t.operator(),
        new JsonObject().put("status", "OFFLINE"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void foreignIdsAreNotFoundAndUntouched(String name, Attack attack) {
    String phone = Scenario.randomPhone();
    TenantData a = new TenantData(newTenant(), phone);
    TenantData b = new TenantData(newTenant(), phone);

    Request foreign = attack.apply(a, b);
    Request random = attack.apply(a, Ids.Random.make());
    JsonObject before = b.snapshot();

    JsonObject viaForeign = assertProblem(send(foreign), 404);
    JsonObject viaRandom = assertProblem(send(random), 404);
    assertEquals(viaRandom.getString("type"), viaForeign.getString("type"), "same problem as for a missing id");
    assertEquals(viaRandom.getString("title"), viaForeign.getString("title"), "same problem as for a missing id");

    assertEquals(before, b.snapshot(), "the other tenant's data is unchanged");
  }

  private static Http.Response send(Request request) {
    return http.send(request.method(), request.path(), request.token(), request.body()).await();
  }

  private static JsonObject upsert(String inboxId) {
    return new JsonObject().put("inboxId", inboxId).put("externalConversationId", "ext-" + UUID.randomUUID())
      .put("customerPhoneNumber", Scenario.randomPhone());
  }

  private static Request admin(TenantData a, HttpMethod method, String path, JsonObject body) {
    return new Request(method, path, body, a.s.admin);
  }

  private static Arguments attack(String name, Attack attack) {
    return Arguments.of(name, attack);
  }
}
