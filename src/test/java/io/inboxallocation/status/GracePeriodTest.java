package io.inboxallocation.status;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.inboxallocation.testing.Calls.instant;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grace period with the real periodic sweeper, run every 100 ms here so expiry tests take about a second. */
@ExtendWith(VertxExtension.class)
class GracePeriodTest {

  private static TestService app;

  @BeforeAll
  static void start(Vertx vertx) {
    app = TestService.start(vertx, Map.of("GRACE_SWEEP_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void drop() {
    app.dropDatabase();
  }

  /** A tenant with the grace window, one inbox, and an AVAILABLE operator owning two conversations. */
  private record Setup(Scenario s, String inbox, Person operator, List<String> owned) {
    static Setup create(int graceSeconds) {
      Scenario s = Tenants.create(app);
      Calls.patchTenant(s, new JsonObject().put("gracePeriodSeconds", graceSeconds));
      String inbox = s.inbox();
      Person operator = s.availableOperator(inbox);
      List<String> owned = List.of(Calls.claimed(s, operator, inbox).getString("id"),
        Calls.claimed(s, operator, inbox).getString("id"));
      return new Setup(s, inbox, operator, owned);
    }

    JsonArray grace() {
      Http.Response listed = s.http.get("/grace-period", s.admin);
      assertEquals(200, listed.status(), listed::toString);
      return listed.items();
    }
  }

  private static Set<String> conversationIds(JsonArray assignments) {
    Set<String> ids = new java.util.HashSet<>();
    assignments.forEach(a -> ids.add(((JsonObject) a).getString("conversationId")));
    return ids;
  }

  @Test
  void goingOfflineStartsGraceAndExpiryRequeues() {
    Setup t = Setup.create(1);
    Scenario s = t.s();
    String resolved = Calls.resolved(s, t.operator(), t.inbox()).getString("id");
    Person colleague = s.availableOperator(t.inbox());
    String colleagues = Calls.claimed(s, colleague, t.inbox()).getString("id");

    Instant before = Instant.now();
    s.setStatus(t.operator(), "OFFLINE");
    Instant after = Instant.now();
    JsonArray grace = t.grace();

    assertEquals(2, grace.size(), grace::encode);
    assertEquals(Set.copyOf(t.owned()), conversationIds(grace));
    for (Object item : grace) {
      JsonObject assignment = (JsonObject) item;
      assertEquals(t.operator().id(), assignment.getString("operatorId"), assignment::encode);
      assertEquals("OPERATOR_OFFLINE", assignment.getString("reason"));
      Instant expiresAt = instant(assignment.getString("expiresAt"));
      assertTrue(!expiresAt.isBefore(before.plusMillis(500)) && !expiresAt.isAfter(after.plusMillis(1500)),
        () -> "expiresAt " + expiresAt + " is not about one second after " + before);
    }

    Calls.await(Duration.ofMillis(3000), () -> "owned conversations re-queued: " + Db.conversations(app, s.tenantId),
      () -> t.owned().stream().allMatch(id -> Db.conversation(app, id).equals(new Db.Row("QUEUED", null))));
    assertTrue(Instant.now().isAfter(before.plusMillis(900)), "re-queued before the grace window ended");

    for (String id : t.owned()) {
      JsonArray events = Calls.events(s, id);
      JsonObject released = events.getJsonObject(events.size() - 1);
      assertEquals("RELEASED", released.getString("type"), events::encode);
      assertEquals("GRACE_EXPIRED", released.getString("reason"));
      assertEquals("SYSTEM", released.getString("actorRole"));
      assertNull(released.getValue("actorId"));
      assertEquals(t.operator().id(), released.getString("previousOperatorId"));
      assertEquals("QUEUED", released.getString("toState"));
      assertEquals("QUEUED", Calls.get(s, id).getString("state"));
    }
    assertEquals(0, t.grace().size());
    assertEquals("RESOLVED", Db.conversation(app, resolved).state());
    assertEquals(new Db.Row("ALLOCATED", colleague.id()), Db.conversation(app, colleagues));
  }

  @Test
  void repeatingOfflineAddsAndChangesNothing() {
    Setup t = Setup.create(30);
    Scenario s = t.s();
    Person idle = s.availableOperator(t.inbox());
    s.setStatus(t.operator(), "OFFLINE");
    JsonArray first = t.grace();
    assertEquals(2, first.size(), first::encode);

    s.setStatus(t.operator(), "OFFLINE");
    Http.Response byManager = s.http.put("/operator-status/" + t.operator().id(), s.person("MANAGER").token(),
      new JsonObject().put("status", "OFFLINE"));
    assertEquals(200, byManager.status(), byManager::toString);
    s.setStatus(idle, "OFFLINE"); // owns nothing: no grace

    assertEquals(first, t.grace());
    assertEquals(2, Db.count(app, "SELECT count(*) FROM grace_period_assignment WHERE tenant_id = ?::uuid",
      s.tenantId.toString()));
    for (String id : t.owned()) {
      assertEquals(new Db.Row("ALLOCATED", t.operator().id()), Db.conversation(app, id));
    }
  }

  @Test
  void goingAvailableCancelsGraceAndKeepsTheConversations() {
    Setup t = Setup.create(30);
    Scenario s = t.s();
    s.setStatus(t.operator(), "OFFLINE");
    assertEquals(2, t.grace().size());

    s.setStatus(t.operator(), "AVAILABLE");

    assertEquals(0, t.grace().size());
    assertEquals(0, Db.count(app, "SELECT count(*) FROM grace_period_assignment WHERE operator_id = ?::uuid",
      t.operator().id()));
    for (String id : t.owned()) {
      assertEquals(new Db.Row("ALLOCATED", t.operator().id()), Db.conversation(app, id));
      assertTrue(!Calls.eventTypes(s, id).contains("RELEASED"));
    }
    // a later OFFLINE is a new transition with a fresh window
    s.setStatus(t.operator(), "OFFLINE");
    assertEquals(Set.copyOf(t.owned()), conversationIds(t.grace()));
  }

  @Test
  void expiryLeavesAConversationThatChangedHandsMeanwhile() {
    Setup t = Setup.create(2);
    Scenario s = t.s();
    Person standIn = s.availableOperator(t.inbox());
    s.setStatus(t.operator(), "OFFLINE");
    String handedOver = t.owned().get(0);
    String left = t.owned().get(1);
    Http.Response reassigned = Calls.reassign(s, s.admin, handedOver, standIn.id());
    assertEquals(200, reassigned.status(), reassigned::toString);

    Calls.await(Duration.ofMillis(4000), () -> "left conversation re-queued: " + Db.conversation(app, left),
      () -> Db.conversation(app, left).state().equals("QUEUED"));
    Calls.await(Duration.ofMillis(500), () -> "grace list drained: " + t.grace().encode(), () -> t.grace().isEmpty());

    assertEquals(new Db.Row("ALLOCATED", standIn.id()), Db.conversation(app, handedOver));
    assertTrue(!Calls.eventTypes(s, handedOver).contains("RELEASED"), () -> Calls.events(s, handedOver).encode());
  }

  @Test
  void graceListIsForManagersAndScopedToTheTenant() {
    Setup t = Setup.create(30);
    Scenario s = t.s();
    s.setStatus(t.operator(), "OFFLINE");
    Scenario other = Tenants.create(app);

    assertProblem(s.http.get("/grace-period", t.operator().token()), 403);
    assertProblem(s.http.get("/grace-period", s.service), 403);
    Http.Response byManager = s.http.get("/grace-period", s.person("MANAGER").token());
    assertEquals(200, byManager.status(), byManager::toString);
    assertEquals(2, byManager.items().size());
    Http.Response elsewhere = other.http.get("/grace-period", other.admin);
    assertEquals(200, elsewhere.status(), elsewhere::toString);
    assertEquals(new JsonArray(), elsewhere.items());
    List<String> expiries = new ArrayList<>();
    byManager.items().forEach(a -> expiries.add(((JsonObject) a).getString("expiresAt")));
    assertEquals(expiries.stream().sorted((a, b) -> instant(a).compareTo(instant(b))).toList(), expiries,
      "soonest expiry first");
  }
}
