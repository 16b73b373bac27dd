package io.inboxallocation.admin;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.stream.Stream;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /tenants, GET and PATCH /tenants/me. */
class TenantsTest extends ServiceTest {

  @Test
  void createdTenantHasDefaults() {
    String name = "Acme " + UUID.randomUUID();
    Instant before = Instant.now().minus(5, ChronoUnit.SECONDS);
    Http.Response created = http.post("/tenants", app.platformToken(), new JsonObject().put("name", name));
    assertEquals(201, created.status(), created::toString);
    JsonObject tenant = created.json();
    UUID.fromString(tenant.getString("id"));
    assertEquals(name, tenant.getString("name"));
    assertEquals(60.0, tenant.getDouble("messageCountWeight"));
    assertEquals(1.0, tenant.getDouble("delayWeight"));
    assertEquals(300, tenant.getInteger("gracePeriodSeconds"));
    Instant createdAt = Instant.parse(tenant.getString("createdAt"));
    assertTrue(createdAt.isAfter(before) && createdAt.isBefore(Instant.now().plusSeconds(5)), tenant::encode);
  }

  @Test
  void getMyTenantAnswersTheTokensTenant() {
    Scenario s = newTenant();
    newTenant();
    for (String token : new String[] {s.admin, s.service, s.person("OPERATOR").token(), s.person("MANAGER").token()}) {
      Http.Response me = http.get("/tenants/me", token);
      assertEquals(200, me.status(), me::toString);
      assertEquals(s.tenantId.toString(), me.id());
      assertEquals(300, me.json().getInteger("gracePeriodSeconds"));
      assertNotNull(me.json().getString("createdAt"));
    }
  }

  static Stream<Arguments> validChanges() {
    return Stream.<Arguments>of(
      Arguments.of(new JsonObject().put("name", "Renamed")),
      Arguments.of(new JsonObject().put("messageCountWeight", 12.5)),
      Arguments.of(new JsonObject().put("messageCountWeight", 0)),
      Arguments.of(new JsonObject().put("messageCountWeight", 1_000_000)),
      Arguments.of(new JsonObject().put("delayWeight", 3)),
      Arguments.of(new JsonObject().put("delayWeight", 0.25)),
      Arguments.of(new JsonObject().put("gracePeriodSeconds", 1)),
      Arguments.of(new JsonObject().put("gracePeriodSeconds", 0)),
      Arguments.of(new JsonObject().put("gracePeriodSeconds", 604_800)),
      Arguments.of(new JsonObject().put("name", "All").put("messageCountWeight", 7).put("delayWeight", 2)
        .put("gracePeriodSeconds", 30)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validChanges")
  void patchChangesOnlyTheGivenFields(JsonObject change) {
    Scenario s = newTenant();
    JsonObject before = http.get("/tenants/me", s.admin).json();
    Http.Response patched = http.patch("/tenants/me", s.admin, change);
    assertEquals(200, patched.status(), patched::toString);

    JsonObject expected = before.copy();
    change.forEach(entry -> expected.put(entry.getKey(), entry.getValue()));
    assertSameTenant(expected, patched.json());
    assertSameTenant(expected, http.get("/tenants/me", s.admin).json());
  }

  static Stream<Arguments> invalidChanges() {
    return Stream.<Arguments>of(
      Arguments.of("{}"),
      Arguments.of("{\"messageCountWeight\": -1}"),
      Arguments.of("{\"delayWeight\": -0.5}"),
      Arguments.of("{\"delayWeight\": 1000001}"),
      Arguments.of("{\"messageCountWeight\": \"heavy\"}"),
      Arguments.of("{\"gracePeriodSeconds\": -1}"),
      Arguments.of("{\"gracePeriodSeconds\": 604801}"),
      Arguments.of("{\"gracePeriodSeconds\": 1.5}"),
      Arguments.of("{\"name\": \"\"}"),
      Arguments.of("{\"name\": null}"),
      Arguments.of("{\"colour\": \"blue\"}"),
      Arguments.of("{\"name\": \"ok\", \"id\": \"" + UUID.randomUUID() + "\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidChanges")
  void invalidPatchIsRejectedAndChangesNothing(String body) {
    Scenario s = newTenant();
    JsonObject before = http.get("/tenants/me", s.admin).json();
    assertProblem(http.patch("/tenants/me", s.admin, body), 400);
    assertEquals(before, http.get("/tenants/me", s.admin).json());
  }

  static Stream<Arguments> invalidCreations() {
    return Stream.<Arguments>of(
      Arguments.of("{}"),
      Arguments.of("{\"name\": \"\"}"),
      Arguments.of("{\"name\": \"" + "x".repeat(201) + "\"}"),
      Arguments.of("{\"name\": 42}"),
      Arguments.of("{\"name\": \"ok\", \"gracePeriodSeconds\": 10}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCreations")
  void invalidCreationIsRejected(String body) {
    assertProblem(http.post("/tenants", app.platformToken(), body), 400);
  }

  private static void assertSameTenant(JsonObject expected, JsonObject actual) {
    assertEquals(expected.getString("id"), actual.getString("id"));
    assertEquals(expected.getString("name"), actual.getString("name"));
    assertEquals(expected.getDouble("messageCountWeight"), actual.getDouble("messageCountWeight"), 1e-9);
    assertEquals(expected.getDouble("delayWeight"), actual.getDouble("delayWeight"), 1e-9);
    assertEquals(expected.getInteger("gracePeriodSeconds"), actual.getInteger("gracePeriodSeconds"));
    assertEquals(expected.getString("createdAt"), actual.getString("createdAt"));
  }
}
