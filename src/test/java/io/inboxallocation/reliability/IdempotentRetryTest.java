package io.inboxallocation.reliability;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Invariants;
import io.inboxallocation.testing.Parallel;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that "times out" and sends the same command again (RELIABILITY.md): the naturally idempotent commands leave
 * exactly the state and the events one call would, sequentially and when the retry races the original; allocate is
 * made safe by an Idempotency-Key (replay with Idempotency-Replayed: true, 422 for another request, one effect under
 * concurrent duplicates).
 */
class IdempotentRetryTest extends ServiceTest {

  static final int RETRIES = 3;

  /** Sends the command once concurrently with a duplicate, then RETRIES more times; returns every answer. */
  private static List<Http.Response> sendWithRetries(Supplier<Future<Http.Response>> command) {
    List<Future<Http.Response>> racing = List.of(command.get(), command.get());
    List<Http.Response> answers = new ArrayList<>();
    racing.forEach(f -> answers.add(f.await()));
    for (int i = 0; i < RETRIES; i++) {
      answers.add(command.get().await());
    }
    return answers;
  }

  private static Supplier<Future<Http.Response>> post(String path, String token, JsonObject body) {
    return () -> http.send(HttpMethod.POST, path, token, body);
  }

  private static long events(String conversationId, String type) {
    return Db.count(app, "SELECT count(*) FROM domain_event WHERE conversation_id = ?::uuid AND type = ?",
      conversationId, type);
  }

  private static void assertAll2xx(String what, List<Http.Response> answers) {
    for (Http.Response answer : answers) {
      assertTrue(answer.status() >= 200 && answer.status() < 300, () -> what + " retried: " + answers);
    }
    System.out.printf("[retry] %s: requests=%d statuses=%s%n", what, answers.size(),
      answers.stream().map(Http.Response::status).toList());
  }

  @Test
  void retriedCommandsHaveTheEffectOfOneCall() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String otherInbox = s.inbox();
    Scenario.Person owner = Calls.available(s, "OPERATOR", inbox, otherInbox);
    Scenario.Person target = Calls.available(s, "OPERATOR", inbox);
    Scenario.Person manager = Calls.available(s, "MANAGER", inbox);

    // upsert: one CREATED, the same row.
    String external = "ext-" + UUID.randomUUID();
    JsonObject upsert = Calls.upsertBody(inbox, external, Scenario.randomPhone()).put("messageCount", 3);
    List<Http.Response> upserts = sendWithRetries(post("/conversations", s.service, upsert));
    assertAll2xx("upsert", upserts);
    assertEquals(1, upserts.stream().filter(r -> r.status() == 201).count(), () -> "exactly one 201: " + upserts);
    String id = upserts.get(0).id();
    upserts.forEach(r -> assertEquals(id, r.id(), "every answer names the same conversation"));
    assertEquals(1, Db.count(app, "SELECT count(*) FROM conversation_ref WHERE tenant_id = ?::uuid"
      + " AND external_conversation_id = ?", s.tenantId.toString(), external));
    assertEquals(1, events(id, "CREATED"));

    // claim by the owner: one ALLOCATED.
    List<Http.Response> claims = sendWithRetries(post("/allocation/claim", owner.token(),
      new JsonObject().put("conversationId", id)));
    assertAll2xx("claim", claims);
    claims.forEach(r -> assertEquals(owner.id(), r.json().getString("assignedOperatorId"), r::toString));
    assertEquals(new Db.Row("ALLOCATED", owner.id()), Db.conversation(app, id));
    assertEquals(1, events(id, "ALLOCATED"));

    // move to another inbox the owner is subscribed to: one MOVED, owner kept.
    List<Http.Response> moves = sendWithRetries(post("/allocation/move-inbox", manager.token(),
      new JsonObject().put("conversationId", id).put("newInboxId", otherInbox)));
    assertAll2xx("move-inbox", moves);
    assertEquals(new Db.Row("ALLOCATED", owner.id()), Db.conversation(app, id));
    assertEquals(1, events(id, "MOVED"));
    // and back, so the reassign target (subscribed to inbox only) qualifies.
    assertEquals(200, Calls.move(s, manager.token(), id, inbox).status());

    // reassign: one REASSIGNED.
    List<Http.Response> reassigns = sendWithRetries(post("/allocation/reassign", manager.token(),
      new JsonObject().put("conversationId", id).put("newOperatorId", target.id())));
    assertAll2xx("reassign", reassigns);
    assertEquals(new Db.Row("ALLOCATED", target.id()), Db.conversation(app, id));
    assertEquals(1, events(id, "REASSIGNED"));

    // deallocate by the new owner: one RELEASED.
    List<Http.Response> deallocations = sendWithRetries(post("/allocation/deallocate", target.token(),
      new JsonObject().put("conversationId", id)));
    assertAll2xx("deallocate", deallocations);
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, id));
    assertEquals(1, events(id, "RELEASED"));

    // resolve: claim again, then one RESOLVED.
    assertEquals(200, Calls.claim(s, owner.token(), id).status());
    List<Http.Response> resolutions = sendWithRetries(post("/allocation/resolve", owner.token(),
      new JsonObject().put("conversationId", id)));
    assertAll2xx("resolve", resolutions);
    assertEquals(new Db.Row("RESOLVED", null), Db.conversation(app, id));
    assertEquals(1, events(id, "RESOLVED"));
    String resolvedAt = Calls.get(s, id).getString("resolvedAt");
    resolutions.forEach(r -> assertEquals(resolvedAt, r.json().getString("resolvedAt"), "resolvedAt is not moved"));

    // status change: OFFLINE retried creates one grace assignment per owned conversation, and keeps its time.
    String owned = Calls.claimed(s, owner, inbox).getString("id");
    List<Http.Response> offline = sendWithRetries(post("/operator-status/me", owner.token(),
      new JsonObject().put("status", "OFFLINE")));
    assertAll2xx("status OFFLINE", offline);
    String changedAt = http.get("/operator-status/" + owner.id(), s.admin).json().getString("lastStatusChangeAt");
    offline.forEach(r -> assertEquals("OFFLINE", r.json().getString("status")));
    assertEquals(1, Db.count(app, "SELECT count(*) FROM grace_period_assignment WHERE conversation_id = ?::uuid", owned));
    List<Http.Response> again = sendWithRetries(post("/operator-status/me", owner.token(),
      new JsonObject().put("status", "OFFLINE")));
    assertAll2xx("status OFFLINE again", again);
    assertEquals(changedAt, http.get("/operator-status/" + owner.id(), s.admin).json().getString("lastStatusChangeAt"),
      "a repeated status does not move lastStatusChangeAt");
    assertEquals(1, Db.count(app, "SELECT count(*) FROM grace_period_assignment WHERE conversation_id = ?::uuid", owned));

    assertEquals(List.of(), Invariants.check(app, s.tenantId));
  }

  // ---------------------------------------------------------------- Idempotency-Key

  private static Http.Response keyed(String path, String token, JsonObject body, String key) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token)
      .add("Content-Type", "application/json").add("Idempotency-Key", key);
    return http.raw(HttpMethod.POST, path, headers, Buffer.buffer(body.encode()));
  }

  private static long allocatedTo(Scenario s, String operatorId) {
    return Db.count(app, "SELECT count(*) FROM conversation_ref WHERE tenant_id = ?::uuid AND assigned_operator_id = ?::uuid",
      s.tenantId.toString(), operatorId);
  }

  @Test
  void allocateRetriedWithAnIdempotencyKeyAllocatesOnce() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = Calls.available(s, "OPERATOR", inbox);
    for (int i = 0; i < 5; i++) {
      s.conversation(inbox);
    }
    String key = "alloc-" + UUID.randomUUID();
    Http.Response first = keyed("/allocation/allocate", operator.token(), new JsonObject(), key);
    assertEquals(200, first.status(), first::toString);
    assertNull(first.headers().get("Idempotency-Replayed"), "the original is not a replay");
    List<Http.Response> retries = new ArrayList<>();
    for (int i = 0; i < RETRIES; i++) {
      retries.add(keyed("/allocation/allocate", operator.token(), new JsonObject(), key));
    }
    for (Http.Response retry : retries) {
      assertEquals(200, retry.status(), retry::toString);
      assertEquals(first.id(), retry.id(), "the replay names the same conversation");
      assertEquals("true", retry.headers().get("Idempotency-Replayed"), retry::toString);
    }
    assertEquals(1, allocatedTo(s, operator.id()), "one conversation allocated");
    assertEquals(1, Db.count(app, "SELECT count(*) FROM domain_event WHERE tenant_id = ?::uuid AND type = 'ALLOCATED'",
      s.tenantId.toString()));

    // The same key for another request: 422 (another path, then another body on the same path), nothing changes.
    assertProblem(keyed("/allocation/claim", operator.token(), new JsonObject().put("conversationId", first.id()), key), 422);
    String claimKey = "claim-" + UUID.randomUUID();
    String second = s.conversation(inbox).getString("id");
    String third = s.conversation(inbox).getString("id");
    assertEquals(200, keyed("/allocation/claim", operator.token(), new JsonObject().put("conversationId", second),
      claimKey).status());
    assertProblem(keyed("/allocation/claim", operator.token(), new JsonObject().put("conversationId", third), claimKey), 422);
    assertEquals(new Db.Row("QUEUED", null), Db.conversation(app, third));

    // Malformed keys: 400 naming the header.
    Http.Response tooLong = keyed("/allocation/allocate", operator.token(), new JsonObject(), "k".repeat(256));
    assertEquals("Idempotency-Key", assertProblem(tooLong, 400).getString("field"), tooLong::toString);
    Http.Response spaced = keyed("/allocation/allocate", operator.token(), new JsonObject(), "has space");
    assertProblem(spaced, 400);
    assertEquals(2, allocatedTo(s, operator.id()), "the malformed keys allocated nothing");
    System.out.printf("[idempotency-key] sequential: requests=%d replays=%d allocated=%d%n", 1 + RETRIES + 6, RETRIES,
      allocatedTo(s, operator.id()));
    assertEquals(List.of(), Invariants.check(app, s.tenantId));
  }

  @Test
  void concurrentDuplicatesWithOneKeyHaveOneEffect() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = Calls.available(s, "OPERATOR", inbox);
    for (int i = 0; i < 12; i++) {
      s.conversation(inbox);
    }
    int duplicates = 10;
    String key = "burst-" + UUID.randomUUID();
    List<Http.Response> answers = Parallel.map(duplicates, duplicates,
      i -> keyed("/allocation/allocate", operator.token(), new JsonObject(), key));
    long originals = answers.stream().filter(r -> r.status() == 200 && r.headers().get("Idempotency-Replayed") == null).count();
    long replays = answers.stream().filter(r -> r.status() == 200 && "true".equals(r.headers().get("Idempotency-Replayed"))).count();
    long conflicts = answers.stream().filter(r -> r.status() == 409).count();
    System.out.printf("[idempotency-key] concurrent: requests=%d originals=%d replays=%d 409=%d allocated=%d%n",
      duplicates, originals, replays, conflicts, allocatedTo(s, operator.id()));
    assertEquals(1, originals, () -> "one original: " + answers);
    assertEquals(duplicates, originals + replays + conflicts, () -> "only replays or 409 besides: " + answers);
    String id = answers.stream().filter(r -> r.status() == 200).findFirst().orElseThrow().id();
    answers.stream().filter(r -> r.status() == 200).forEach(r -> assertEquals(id, r.id(), r::toString));
    answers.stream().filter(r -> r.status() == 409).forEach(r -> assertProblem(r, 409));
    assertEquals(1, allocatedTo(s, operator.id()), "one conversation allocated");
    assertEquals(List.of(), Invariants.check(app, s.tenantId));
  }

  @Test
  void aFailedAttemptIsNotStoredSoItsRetryRunsAgain() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Scenario.Person operator = s.person("OPERATOR");
    s.subscribe(operator.id(), inbox);
    s.conversation(inbox);
    String key = "offline-" + UUID.randomUUID();
    assertProblem(keyed("/allocation/allocate", operator.token(), new JsonObject(), key), 409); // still OFFLINE
    s.setStatus(operator, "AVAILABLE");
    Http.Response retried = keyed("/allocation/allocate", operator.token(), new JsonObject(), key);
    assertEquals(200, retried.status(), retried::toString);
    assertNull(retried.headers().get("Idempotency-Replayed"), "a failure is not replayed");
    assertEquals(1, allocatedTo(s, operator.id()));
  }
}
