package io.inboxallocation.reliability;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Forge;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.inboxallocation.testing.Snapshot;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication and authorization attacks beyond auth/*Test: forged and confused tokens, tokens of deleted or demoted
 * staff on every write / ADMIN-only endpoint, an OPERATOR on every MANAGER / ADMIN endpoint, all with real ids of the
 * tenant; each is rejected with the right status and a snapshot of the tenant shows nothing changed.
 */
class AuthAttackTest extends ServiceTest {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  record Call(HttpMethod method, String path, JsonObject body) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** A tenant with something behind every endpoint. */
  static final class World {
    final Scenario s;
    final String inbox;
    final String inbox2;
    final String emptyInbox;
    final Scenario.Person operator;
    final Scenario.Person other;
    final Scenario.Person manager;
    final String subscription;
    final String queued;
    final String allocated;
    final String label;
    final String managerLabel;

    World(Scenario s) {
      this.s = s;
      inbox = s.inbox();
      inbox2 = s.inbox();
      emptyInbox = s.inbox();
      operator = Calls.available(s, "OPERATOR", inbox);
      other = s.person("OPERATOR");
      subscription = s.subscribe(other.id(), inbox);
      s.setStatus(other, "AVAILABLE");
      manager = Calls.available(s, "MANAGER", inbox);
      queued = s.conversation(inbox).getString("id");
      allocated = Calls.claimed(s, other, inbox).getString("id");
      label = Calls.createLabel(s, other.token(), inbox, "by-other", null).id();
      managerLabel = Calls.label(s, inbox, "by-admin", "#aabbcc").getString("id");
      assertEquals(200, Calls.attach(s, s.admin, allocated, label).status());
    }

    JsonObject command(String conversationId) {
      return new JsonObject().put("conversationId", conversationId);
    }

    /** Every MANAGER / ADMIN-only operation (incl. ADMIN+SERVICE upsert and label edits by a non-creator). */
    List<Call> managerOrAdminOnly() {
      return List.of(
        new Call(HttpMethod.PATCH, "/tenants/me", new JsonObject().put("name", "taken")),
        new Call(HttpMethod.POST, "/operators", new JsonObject().put("name", "intruder").put("role", "ADMIN")),
        new Call(HttpMethod.PATCH, "/operators/" + other.id(), new JsonObject().put("role", "ADMIN")),
        new Call(HttpMethod.DELETE, "/operators/" + other.id(), null),
        new Call(HttpMethod.POST, "/inboxes", new JsonObject().put("phoneNumber", Scenario.randomPhone()).put("displayName", "x")),
        new Call(HttpMethod.PATCH, "/inboxes/" + inbox, new JsonObject().put("displayName", "renamed")),
        new Call(HttpMethod.DELETE, "/inboxes/" + emptyInbox, null),
        new Call(HttpMethod.POST, "/operator-inbox-subscriptions",
          new JsonObject().put("operatorId", other.id()).put("inboxId", inbox2)),
        new Call(HttpMethod.DELETE, "/operator-inbox-subscriptions/" + subscription, null),
        new Call(HttpMethod.POST, "/conversations", Calls.upsertBody(inbox, "ext-" + UUID.randomUUID(), Scenario.randomPhone())),
        new Call(HttpMethod.POST, "/allocation/reassign", command(allocated).put("newOperatorId", operator.id())),
        new Call(HttpMethod.POST, "/allocation/move-inbox", command(allocated).put("newInboxId", inbox2)),
        new Call(HttpMethod.PATCH, "/labels/" + managerLabel, new JsonObject().put("name", "mine now")),
        new Call(HttpMethod.DELETE, "/labels/" + managerLabel, null),
        new Call(HttpMethod.GET, "/operator-status/" + other.id(), null),
        new Call(HttpMethod.PUT, "/operator-status/" + other.id(), new JsonObject().put("status", "OFFLINE")),
        new Call(HttpMethod.GET, "/grace-period", null),
        new Call(HttpMethod.POST, "/grace-period/process", new JsonObject()));
    }

    /** The ADMIN-only operations. */
    List<Call> adminOnly() {
      return List.of(
        new Call(HttpMethod.PATCH, "/tenants/me", new JsonObject().put("gracePeriodSeconds", 1)),
        new Call(HttpMethod.POST, "/operators", new JsonObject().put("name", "intruder").put("role", "ADMIN")),
        new Call(HttpMethod.PATCH, "/operators/" + other.id(), new JsonObject().put("role", "ADMIN")),
        new Call(HttpMethod.DELETE, "/operators/" + other.id(), null),
        new Call(HttpMethod.POST, "/conversations", Calls.upsertBody(inbox, "ext-" + UUID.randomUUID(), Scenario.randomPhone())));
    }

    /** Every write operation of the API a tenant's staff could call. */
    List<Call> writes() {
      List<Call> writes = new ArrayList<>(managerOrAdminOnly().stream().filter(c -> c.method() != HttpMethod.GET).toList());
      writes.addAll(List.of(
        new Call(HttpMethod.POST, "/conversations/" + queued + "/labels/" + label, null),
        new Call(HttpMethod.DELETE, "/conversations/" + allocated + "/labels/" + label, null),
        new Call(HttpMethod.POST, "/allocation/allocate", new JsonObject()),
        new Call(HttpMethod.POST, "/allocation/claim", command(queued)),
        new Call(HttpMethod.POST, "/allocation/resolve", command(allocated)),
        new Call(HttpMethod.POST, "/allocation/deallocate", command(allocated)),
        new Call(HttpMethod.POST, "/labels", new JsonObject().put("inboxId", inbox).put("name", "sneaky")),
        new Call(HttpMethod.PATCH, "/labels/" + label, new JsonObject().put("name", "renamed")),
        new Call(HttpMethod.DELETE, "/labels/" + label, null),
        new Call(HttpMethod.POST, "/operator-status/me", new JsonObject().put("status", "OFFLINE"))));
      return writes;
    }
  }

  private static Http.Response send(String authorization, Call call) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (authorization != null) {
      headers.add("Authorization", authorization);
    }
    if (call.body() != null) {
      headers.add("Content-Type", "application/json");
    }
    return http.raw(call.method(), call.path(), headers, call.body() == null ? null : Buffer.buffer(call.body().encode()));
  }

  /** Sends every call with the token, collects answers that are not a problem with the status. */
  private static int expectAll(String what, String token, List<Call> calls, int status, List<String> wrong) {
    for (Call call : calls) {
      Http.Response r = send("Bearer " + token, call);
      boolean problem = r.status() == status && String.valueOf(r.contentType()).startsWith("application/problem+json")
        && Integer.valueOf(status).equals(r.json().getValue("status"));
      if (!problem) {
        wrong.add(what + ": " + call + " -> " + r);
      }
    }
    return calls.size();
  }

  private static void assertUnchanged(World w, Map<String, List<String>> before, List<String> wrong, String what, int requests) {
    String diff = Snapshot.diff(before, Snapshot.of(app, w.s.tenantId));
    System.out.printf("[auth-attack] %s: requests=%d wrong-answers=%d tenant-rows-changed=%s%n", what, requests,
      wrong.size(), diff.isEmpty() ? "none" : diff.lines().count());
    assertEquals(List.of(), wrong, what);
    assertEquals("", diff, what + ": the tenant changed");
  }

  @Test
  void forgedAndConfusedTokensAreUnauthorized() {
    World w = new World(newTenant());
    Scenario other = newTenant();
    JsonObject claims = Forge.claims(w.s.adminId, "ADMIN", w.s.tenantId);
    String secret = app.config.jwtSecret();
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("nbf an hour ahead", Forge.signed(app.jwt(), claims.copy().put("nbf", Forge.now() + 3600)));
    forged.put("iat an hour ahead with nbf", Forge.signed(app.jwt(), claims.copy().put("iat", Forge.now() + 3600)
      .put("nbf", Forge.now() + 3600)));
    forged.put("RS256 header, HMAC-SHA256 over the secret", mac("RS256", "HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), claims));
    forged.put("ES256 header, HMAC-SHA256 over the secret", mac("ES256", "HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), claims));
    forged.put("HS512 with the right secret", Forge.hmac("HS512", secret, claims));
    forged.put("HS256 signed with an empty key", mac("HS256", "HmacSHA256", new byte[0], claims));
    forged.put("HS256 with an empty signature", header("HS256") + "." + encode(claims) + ".");
    forged.put("tenant_id edited after signing", Forge.withPayload(w.s.admin,
      Forge.payloadOf(w.s.admin).put("tenant_id", other.tenantId.toString())));
    forged.put("role edited after signing (operator -> PLATFORM_ADMIN)", Forge.withPayload(w.operator.token(),
      Forge.payloadOf(w.operator.token()).put("role", "PLATFORM_ADMIN")));
    forged.put("exp extended after signing", Forge.withPayload(w.s.admin,
      Forge.payloadOf(w.s.admin).put("exp", Forge.now() + 10 * 365 * 86400L)));
    forged.put("signature of another token", w.s.admin.substring(0, w.s.admin.lastIndexOf('.'))
      + w.operator.token().substring(w.operator.token().lastIndexOf('.')));

    // The control: a correctly hand-signed HS256 token is accepted (so the rejections above are about the attack).
    assertEquals(200, send("Bearer " + Forge.hmac("HS256", secret, claims),
      new Call(HttpMethod.GET, "/tenants/me", null)).status());

    Map<String, List<String>> before = Snapshot.of(app, w.s.tenantId);
    Map<String, List<String>> otherBefore = Snapshot.of(app, other.tenantId);
    List<String> wrong = new ArrayList<>();
    int requests = 0;
    for (Map.Entry<String, String> token : forged.entrySet()) {
      requests += expectAll(token.getKey(), token.getValue(), List.of(new Call(HttpMethod.GET, "/tenants/me", null)), 401, wrong);
      requests += expectAll(token.getKey(), token.getValue(), w.writes(), 401, wrong);
    }
    assertUnchanged(w, before, wrong, "forged tokens (" + forged.size() + " kinds)", requests);
    assertEquals("", Snapshot.diff(otherBefore, Snapshot.of(app, other.tenantId)), "the other tenant changed");
  }

  @Test
  void deletedOperatorsTokenIsUnauthorizedOnEveryWrite() {
    World w = new World(newTenant());
    Scenario.Person doomedAdmin = w.s.person("ADMIN");
    Scenario.Person doomedOperator = Calls.available(w.s, "OPERATOR", w.inbox);
    assertEquals(204, http.delete("/operators/" + doomedAdmin.id(), w.s.admin).status());
    assertEquals(204, http.delete("/operators/" + doomedOperator.id(), w.s.admin).status());
    Map<String, List<String>> before = Snapshot.of(app, w.s.tenantId);
    List<String> wrong = new ArrayList<>();
    int requests = expectAll("deleted ADMIN", doomedAdmin.token(), w.writes(), 401, wrong);
    requests += expectAll("deleted OPERATOR", doomedOperator.token(), w.writes(), 401, wrong);
    assertUnchanged(w, before, wrong, "deleted operators' tokens", requests);
  }

  @Test
  void demotedAdminsAreForbiddenEveryAdminOnlyOperation() {
    World w = new World(newTenant());
    Scenario.Person toManager = w.s.person("ADMIN");
    Scenario.Person toOperator = w.s.person("ADMIN");
    assertEquals(200, http.patch("/operators/" + toManager.id(), w.s.admin, new JsonObject().put("role", "MANAGER")).status());
    assertEquals(200, http.patch("/operators/" + toOperator.id(), w.s.admin, new JsonObject().put("role", "OPERATOR")).status());
    w.s.subscribe(toOperator.id(), w.inbox); // so labels of the inbox are visible to them: the answer is then 403, not 404
    Map<String, List<String>> before = Snapshot.of(app, w.s.tenantId);
    List<String> wrong = new ArrayList<>();
    int requests = expectAll("admin demoted to MANAGER", toManager.token(), w.adminOnly(), 403, wrong);
    requests += expectAll("admin demoted to OPERATOR", toOperator.token(), w.adminOnly(), 403, wrong);
    requests += expectAll("admin demoted to OPERATOR", toOperator.token(), w.managerOrAdminOnly(), 403, wrong);
    assertUnchanged(w, before, wrong, "demoted admins", requests);
  }

  @Test
  void operatorIsForbiddenEveryManagerAndAdminOperation() {
    World w = new World(newTenant());
    Map<String, List<String>> before = Snapshot.of(app, w.s.tenantId);
    List<String> wrong = new ArrayList<>();
    int requests = expectAll("OPERATOR", w.operator.token(), w.managerOrAdminOnly(), 403, wrong);
    // Another operator's conversation and label: not theirs to resolve, release or edit.
    requests += expectAll("OPERATOR on another's work", w.operator.token(), List.of(
      new Call(HttpMethod.POST, "/allocation/resolve", w.command(w.allocated)),
      new Call(HttpMethod.POST, "/allocation/deallocate", w.command(w.allocated)),
      new Call(HttpMethod.PATCH, "/labels/" + w.label, new JsonObject().put("name", "hijacked")),
      new Call(HttpMethod.DELETE, "/labels/" + w.label, null)), 403, wrong);
    // A MANAGER on the ADMIN-only ones.
    requests += expectAll("MANAGER", w.manager.token(), w.adminOnly(), 403, wrong);
    assertUnchanged(w, before, wrong, "operator/manager escalation", requests);
    assertTrue(requests > 20);
  }

  private static String mac(String alg, String javaAlg, byte[] key, JsonObject claims) {
    String input = header(alg) + "." + encode(claims);
    try {
      Mac mac = Mac.getInstance(javaAlg);
      // HMAC pads the key with zeros to the block size, so an empty key equals a single zero byte.
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, javaAlg));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String header(String alg) {
    return encode(new JsonObject().put("alg", alg).put("typ", "JWT"));
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
