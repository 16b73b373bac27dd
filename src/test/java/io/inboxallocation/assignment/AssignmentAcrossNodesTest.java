package io.inboxallocation.assignment;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Cluster;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Invariants;
import io.inboxallocation.testing.Parallel;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capacity and push assignment with three nodes on one database: exact whatever the races. */
class AssignmentAcrossNodesTest {

  static final int NODES = 3;

  static Cluster cluster;
  static TestService app;
  static List<Http> nodes;

  @BeforeAll
  static void startNodes() {
    cluster = Cluster.start(NODES);
    app = cluster.app;
    nodes = cluster.nodes;
  }

  @AfterAll
  static void stopNodes() {
    cluster.stop();
  }

  @Test
  void twentyParallelClaimsOrAllocatesByOneOperatorOnThreeNodesNeverExceedTheirCapacity() throws Exception {
    Scenario s = Tenants.create(app);
    String inbox = s.inbox();
    Scenario.Person claimer = s.availableOperator(inbox);
    Scenario.Person allocator = s.availableOperator(inbox);
    assertEquals(200, s.http.patch("/operators/" + claimer.id(), s.admin, new JsonObject().put("maxConcurrent", 3)).status());
    assertEquals(200, s.http.patch("/operators/" + allocator.id(), s.admin, new JsonObject().put("maxConcurrent", 2)).status());
    List<String> queued = Parallel.map(40, 8, i -> s.conversation(inbox).getString("id"));

    List<Http.Response> claims = Parallel.map(20, 20, i -> nodes.get(i % NODES).post("/allocation/claim",
      claimer.token(), new JsonObject().put("conversationId", queued.get(i))));
    List<Http.Response> allocations = Parallel.map(20, 20, i -> nodes.get(i % NODES).post("/allocation/allocate",
      allocator.token(), new JsonObject()));

    assertOutcome(claims, 3);
    assertOutcome(allocations, 2);
    try (Connection db = app.jdbc()) {
      assertEquals(3, active(db, claimer.id()));
      assertEquals(2, active(db, allocator.id()));
      assertEquals(List.of(), Invariants.check(db, s.tenantId));
    }
  }

  @Test
  void threeNodesPushingAtOnceNeverAssignTwiceNorBeyondCapacity() throws Exception {
    Scenario s = Tenants.create(app);
    List<String> inboxes = List.of(s.inbox(), s.inbox(), s.inbox());
    List<Scenario.Person> operators = Parallel.map(6, 3, i -> s.availableOperator(inboxes.toArray(String[]::new)));
    Calls.patchTenant(s, new JsonObject().put("assignmentMode", "PUSH").put("defaultMaxConcurrent", 2));

    // Writers on every node; operators allocating too (PULL still works in PUSH mode), also on every node.
    List<String> created = Parallel.map(60, 12, i -> {
      if (i % 5 == 0) {
        Scenario.Person operator = operators.get(i % operators.size());
        int status = nodes.get(i % NODES).post("/allocation/allocate", operator.token(), new JsonObject()).status();
        assertTrue(status == 200 || status == 204 || status == 409, "allocate answered " + status);
      }
      Http.Response answer = nodes.get(i % NODES).post("/conversations", s.service, new JsonObject()
        .put("inboxId", inboxes.get(i % inboxes.size())).put("externalConversationId", "ext-" + Calls.randomId())
        .put("customerPhoneNumber", Scenario.randomPhone()));
      assertEquals(201, answer.status(), answer::toString);
      return answer.id();
    });
    Calls.await(Duration.ofSeconds(2), () -> "12 assigned (6 operators x 2)",
      () -> Calls.listIds(s, s.admin, "state=ALLOCATED&limit=100").size() == 12);
    try (Connection db = app.jdbc()) {
      for (Scenario.Person operator : operators) {
        assertEquals(2, active(db, operator.id()), "each at capacity, none beyond");
      }
    }

    // More room, raised through another node: the rest is pushed.
    for (Scenario.Person operator : operators) {
      assertEquals(200, nodes.get(2).patch("/operators/" + operator.id(), s.admin,
        new JsonObject().put("maxConcurrent", 10)).status());
    }
    Calls.await(Duration.ofSeconds(2), () -> "all 60 assigned",
      () -> Calls.listIds(s, s.admin, "state=QUEUED&limit=10").isEmpty());

    try (Connection db = app.jdbc()) {
      assertEquals(List.of(), Invariants.check(db, s.tenantId));
      Map<String, Integer> allocations = allocationsPerConversation(db, s);
      assertEquals(Set.copyOf(created), allocations.keySet());
      allocations.forEach((id, count) -> assertEquals(1, count, "conversation " + id + " allocated once"));
      assertTrue(maxHeldAtOnce(db, s) <= 10, "never beyond capacity");
    }
  }

  private static void assertOutcome(List<Http.Response> answers, int capacity) {
    int ok = 0;
    for (Http.Response answer : answers) {
      if (answer.status() == 200) {
        ok++;
      } else {
        CapacityTest.assertCapacityReached(answer);
      }
    }
    assertEquals(capacity, ok, "exactly the capacity succeeds: " + answers);
  }

  private static long active(Connection db, String operatorId) throws Exception {
    try (PreparedStatement sql = db.prepareStatement(
      "SELECT count(*) FROM conversation_ref WHERE assigned_operator_id = ?::uuid AND state = 'ALLOCATED'")) {
      sql.setString(1, operatorId);
      try (ResultSet rows = sql.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static Map<String, Integer> allocationsPerConversation(Connection db, Scenario s) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    try (PreparedStatement sql = db.prepareStatement(
      "SELECT conversation_id FROM domain_event WHERE tenant_id = ? AND type = 'ALLOCATED'")) {
      sql.setObject(1, s.tenantId);
      try (ResultSet rows = sql.executeQuery()) {
        while (rows.next()) {
          counts.merge(rows.getString(1), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  /** Replays the tenant's events in commit order: the most conversations any operator held at once. */
  private static int maxHeldAtOnce(Connection db, Scenario s) throws Exception {
    Map<String, Set<String>> held = new HashMap<>();
    int max = 0;
    try (PreparedStatement sql = db.prepareStatement("""
      SELECT conversation_id, operator_id, previous_operator_id, to_state FROM domain_event
      WHERE tenant_id = ? AND conversation_id IS NOT NULL ORDER BY id""")) {
      sql.setObject(1, s.tenantId);
      try (ResultSet rows = sql.executeQuery()) {
        while (rows.next()) {
          String conversation = rows.getString(1);
          String previous = rows.getString(3);
          if (previous != null) {
            held.computeIfAbsent(previous, o -> new HashSet<>()).remove(conversation);
          }
          if ("ALLOCATED".equals(rows.getString(4)) && rows.getString(2) != null) {
            Set<String> mine = held.computeIfAbsent(rows.getString(2), o -> new HashSet<>());
            mine.add(conversation);
            max = Math.max(max, mine.size());
          }
        }
      }
    }
    return max;
  }
}
