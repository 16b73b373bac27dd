package io.inboxallocation.auth;

import io.inboxallocation.testing.Forge;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way of presenting a bad credential answers 401 problem+json, while the genuine token works. */
class TokenRejectionTest extends ServiceTest {

  private static final String OTHER_SECRET = "other-secret-fedcba9876543210fedcba9876543210";

  /** The Authorization header value (null: none) built against a fresh tenant. */
  static Stream<Arguments> badCredentials() {
    return Stream.<Arguments>of(
      bad("no Authorization header", s -> null),
      bad("Bearer without a token", s -> "Bearer "),
      bad("Basic scheme", s -> "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8))),
      bad("token without Bearer prefix", s -> s.admin),
      bad("not a JWT", s -> "Bearer not-a-jwt"),
      bad("three garbage segments", s -> "Bearer aaa.bbb.ccc"),
      bad("signed with another secret", s -> bearer(Tokens.mint(Tokens.auth(app.vertx, OTHER_SECRET), s.adminId,
        Role.ADMIN, s.tenantId.toString(), 3600))),
      bad("expired an hour ago", s -> bearer(Forge.signed(app.jwt(), adminClaims(s).put("exp", Forge.now() - 3600)))),
      bad("alg none", s -> bearer(Forge.unsigned(adminClaims(s)))),
      bad("alg none with a signature", s -> bearer(Forge.unsigned(adminClaims(s)) + "c2lnbmF0dXJl")),
      bad("HS384 with the right secret", s -> bearer(Forge.hmac("HS384", app.config.jwtSecret(), adminClaims(s)))),
      bad("payload swapped under a genuine signature", s -> {
        Scenario.Person operator = s.person("OPERATOR");
        return bearer(Forge.withPayload(operator.token(), Forge.payloadOf(operator.token()).put("sub", s.adminId)));
      }),
      bad("no exp claim", s -> bearer(Forge.signed(app.jwt(), removed(adminClaims(s), "exp")))),
      bad("exp not a number", s -> bearer(Forge.signed(app.jwt(), adminClaims(s).put("exp", "tomorrow")))),
      bad("unknown role", s -> bearer(Forge.signed(app.jwt(), adminClaims(s).put("role", "SUPERUSER")))),
      bad("role SYSTEM", s -> bearer(Forge.signed(app.jwt(), adminClaims(s).put("role", "SYSTEM")))),
      bad("no role claim", s -> bearer(Forge.signed(app.jwt(), removed(adminClaims(s), "role")))),
      bad("no sub claim", s -> bearer(Forge.signed(app.jwt(), removed(adminClaims(s), "sub")))),
      bad("staff sub that is not a UUID", s -> bearer(Forge.signed(app.jwt(), adminClaims(s).put("sub", "admin")))),
      bad("staff sub of no operator", s -> bearer(app.token(Role.ADMIN, s.tenantId, UUID.randomUUID().toString()))),
      bad("staff tenant_id of no tenant", s -> bearer(app.token(Role.ADMIN, UUID.randomUUID(), s.adminId))),
      bad("staff without tenant_id", s -> bearer(Forge.signed(app.jwt(), removed(adminClaims(s), "tenant_id")))),
      bad("operator presenting another tenant's tenant_id",
        s -> bearer(app.token(Role.ADMIN, anotherTenantId(), s.adminId))),
      bad("service with tenant_id of no tenant", s -> bearer(app.token(Role.SERVICE, UUID.randomUUID(), "orchestrator"))),
      bad("service with tenant_id not a UUID", s -> bearer(Forge.signed(app.jwt(),
        Forge.claims("orchestrator", "SERVICE", null).put("tenant_id", "acme")))),
      bad("service without tenant_id", s -> bearer(Forge.signed(app.jwt(), Forge.claims("orchestrator", "SERVICE", null)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCredentials")
  void badCredentialIsUnauthorized(String name, Function<Scenario, String> authorization) {
    Scenario s = newTenant();
    String header = authorization.apply(s);
    Http.Response response = getTenant(header);
    assertProblem(response, 401);
  }

  @Test
  void genuineTokensAreAccepted() {
    Scenario s = newTenant();
    assertEquals(200, getTenant(bearer(s.admin)).status());
    assertEquals(200, getTenant(bearer(s.service)).status());
    // The hand-made HS256 signature is accepted, so the HS384 and swapped-payload rejections above are meaningful.
    Http.Response forged = getTenant(bearer(Forge.hmac("HS256", app.config.jwtSecret(), adminClaims(s))));
    assertEquals(200, forged.status(), forged::toString);
    assertEquals(s.tenantId.toString(), forged.id());
  }

  @Test
  void writesWithoutAValidTokenChangeNothing() {
    Scenario s = newTenant();
    Http.Response denied = http.post("/inboxes", Forge.unsigned(adminClaims(s)),
      new JsonObject().put("phoneNumber", Scenario.randomPhone()).put("displayName", "sneaky"));
    assertProblem(denied, 401);
    Http.Response denied2 = http.patch("/tenants/me", null, new JsonObject().put("name", "sneaky"));
    assertProblem(denied2, 401);
    Http.Response inboxes = http.get("/inboxes", s.admin);
    assertEquals(200, inboxes.status(), inboxes::toString);
    assertEquals(0, inboxes.items().size(), inboxes::toString);
    assertTrue(!"sneaky".equals(http.get("/tenants/me", s.admin).json().getString("name")));
  }

  private static Http.Response getTenant(String authorization) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (authorization != null) {
      headers.add("Authorization", authorization);
    }
    return http.raw(HttpMethod.GET, "/tenants/me", headers, null);
  }

  /** A second, real tenant (created directly, as only its id is needed). */
  private static UUID anotherTenantId() {
    Http.Response created = http.post("/tenants", app.platformToken(), new JsonObject().put("name", "other"));
    assertEquals(201, created.status(), created::toString);
    return UUID.fromString(created.id());
  }

  private static JsonObject adminClaims(Scenario s) {
    return Forge.claims(s.adminId, "ADMIN", s.tenantId);
  }

  private static JsonObject removed(JsonObject claims, String claim) {
    claims.remove(claim);
    return claims;
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static Arguments bad(String name, Function<Scenario, String> authorization) {
    return Arguments.of(name, authorization);
  }
}
