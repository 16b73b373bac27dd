package io.inboxallocation.testing;

import io.inboxallocation.auth.Role;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tenant built through the public API, with helpers for the steps most tests repeat. Every call asserts its own
 * success, so a broken fixture fails loudly where it breaks.
 */
public final class Scenario {

  public final TestService app;
  public final Http http;
  public final UUID tenantId;
  public final String adminId;
  public final String admin;
  public final String service;

  private Scenario(TestService app, UUID tenantId, String adminId) {
    this.app = app;
    this.http = app.http;
    this.tenantId = tenantId;
    this.adminId = adminId;
    this.admin = app.token(Role.ADMIN, tenantId, adminId);
    this.service = app.token(Role.SERVICE, tenantId, "orchestrator");
  }

  static Scenario create(TestService app) {
    Http.Response tenant = app.http.post("/tenants", app.platformToken(),
      new JsonObject().put("name", "tenant-" + UUID.randomUUID()));
    assertEquals(201, tenant.status(), tenant::toString);
    UUID tenantId = UUID.fromString(tenant.id());
    Http.Response admin = app.http.post("/operators", app.platformToken(),
      new JsonObject().put("name", "Admin").put("role", "ADMIN").put("tenantId", tenantId.toString()));
    assertEquals(201, admin.status(), admin::toString);
    return new Scenario(app, tenantId, admin.id());
  }

  /** Creates an operator with the role and returns it with its token. */
  public Person person(String role) {
    Http.Response created = http.post("/operators", admin,
      new JsonObject().put("name", role.toLowerCase() + "-" + UUID.randomUUID()).put("role", role));
    assertEquals(201, created.status(), created::toString);
    return new Person(created.id(), app.token(Role.valueOf(role), tenantId, created.id()));
  }

  /** An OPERATOR, subscribed to the inboxes and AVAILABLE. */
  public Person availableOperator(String... inboxIds) {
    Person person = person("OPERATOR");
    for (String inboxId : inboxIds) {
      subscribe(person.id(), inboxId);
    }
    setStatus(person, "AVAILABLE");
    return person;
  }

  public String inbox() {
    Http.Response created = http.post("/inboxes", admin, new JsonObject()
      .put("phoneNumber", randomPhone()).put("displayName", "Inbox " + UUID.randomUUID()));
    assertEquals(201, created.status(), created::toString);
    return created.id();
  }

  public String subscribe(String operatorId, String inboxId) {
    Http.Response created = http.post("/operator-inbox-subscriptions", admin,
      new JsonObject().put("operatorId", operatorId).put("inboxId", inboxId));
    assertEquals(201, created.status(), created::toString);
    return created.id();
  }

  public void setStatus(Person person, String status) {
    Http.Response changed = http.post("/operator-status/me", person.token(), new JsonObject().put("status", status));
    assertEquals(200, changed.status(), changed::toString);
  }

  /** Upserts a conversation as the orchestrator and returns its body. */
  public JsonObject conversation(String inboxId, JsonObject extra) {
    JsonObject body = new JsonObject()
      .put("inboxId", inboxId)
      .put("externalConversationId", "ext-" + UUID.randomUUID())
      .put("customerPhoneNumber", randomPhone());
    body.mergeIn(extra == null ? new JsonObject() : extra);
    Http.Response created = http.post("/conversations", service, body);
    assertEquals(201, created.status(), created::toString);
    return created.json();
  }

  public JsonObject conversation(String inboxId) {
    return conversation(inboxId, null);
  }

  public static String randomPhone() {
    return "+551199" + String.format("%07d", (long) (Math.random() * 10_000_000));
  }

  /** An operator of the tenant and the token that acts as them. */
  public record Person(String id, String token) {
  }
}
