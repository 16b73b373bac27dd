package io.inboxallocation.reliability;

import io.inboxallocation.Service;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Invariants;
import io.inboxallocation.testing.Parallel;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.Wire;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes (separate Vertx instances, random ports) on one database: many operators allocating, claiming,
 * resolving and deallocating through all of them at once never give a conversation two owners, never see a 5xx, and
 * every 200 they were told is backed by the audit log; the grace sweepers of all nodes expire each assignment once.
 */
class MultiNodeTest {

  static final int NODES = 3;
  static final int OPERATORS = 120;
  static final Duration LOAD = Duration.ofSeconds(Integer.parseInt(System.getenv().getOrDefault("RELIABILITY_LOAD_SECONDS", "15")));

  static final List<Vertx> vertxes = new ArrayList<>();
  static TestService app;
  static final List<Node> nodes = new ArrayList<>();

  /** One node as a client sees it (node 1 is the TestService's own, reached through its Vert.x client). */
  interface Node {
    Http.Response post(String path, String token, String json);
  }

  @BeforeAll
  static void startNodes() {
    for (int i = 0; i < NODES; i++) {
      vertxes.add(Vertx.vertx());
    }
    app = TestService.start(vertxes.get(0));
    nodes.add((path, token, json) -> {
      try {
        return app.http.send(HttpMethod.POST, path, token, Buffer.buffer(json)).await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        return new Http.Response(Wire.NO_ANSWER, MultiMap.caseInsensitiveMultiMap(), "timeout after 10 s");
      } catch (RuntimeException e) {
        return new Http.Response(Wire.NO_ANSWER, MultiMap.caseInsensitiveMultiMap(), "failed: " + e);
      }
    });
    for (int i = 1; i < NODES; i++) {
      Service node = Service.start(vertxes.get(i), app.config).await();
      Wire wire = new Wire(node.port(), Duration.ofSeconds(10));
      nodes.add(wire::post);
    }
  }

  @AfterAll
  static void stopNodes() {
    for (Vertx vertx : vertxes) {
      try {
        vertx.close().await();
      } catch (RuntimeException e) {
        System.err.println("closing a node: " + e);
      }
    }
    if (app != null) {
      app.dropDatabase();
    }
  }

  record Told(String op, String conversationId, String state, String owner) {
  }

  @Test
  void concurrentOperatorsOnThreeNodesNeverShareAConversation() throws Exception {
    Scenario s = Tenants.create(app);
    List<String> inboxes = Parallel.map(4, 4, i -> s.inbox());
    List<Scenario.Person> operators = Parallel.map(OPERATORS, 8, i -> {
      Scenario.Person person = s.person("OPERATOR");
      s.subscribe(person.id(), inboxes.get(i % 4));
      s.subscribe(person.id(), inboxes.get((i + 1) % 4));
      s.setStatus(person, "AVAILABLE");
      return person;
    });
    Scenario.Person manager = Calls.available(s, "MANAGER", inboxes.toArray(String[]::new));
    List<String> known = new CopyOnWriteArrayList<>(Parallel.map(200, 8, i -> s.conversation(inboxes.get(i % 4)).getString("id")));

    Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    List<Told> told = new CopyOnWriteArrayList<>();
    AtomicLong requests = new AtomicLong();
    AtomicInteger serverErrors = new AtomicInteger();
    long end = System.nanoTime() + LOAD.toNanos();

    List<Thread> threads = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      threads.add(new Thread(() -> {
        while (System.nanoTime() < end) {
          JsonObject body = Calls.upsertBody(inboxes.get(rnd(4)), "ext-" + java.util.UUID.randomUUID(), Scenario.randomPhone())
            .put("messageCount", rnd(50));
          Http.Response r = node().post("/conversations", s.service, body.encode());
          count("upsert", r, Set.of(201), statuses, unexpected, requests, serverErrors);
          if (r.status() == 201) {
            known.add(r.json().getString("id"));
          }
          sleep(3);
        }
      }, "feeder-" + f));
    }
    for (Scenario.Person operator : operators) {
      threads.add(new Thread(() -> {
        String mine = null;
        while (System.nanoTime() < end) {
          int dice = rnd(100);
          if (mine == null) {
            if (dice < 70) {
              Http.Response r = node().post("/allocation/allocate", operator.token(), "{}");
              count("allocate", r, Set.of(200, 204), statuses, unexpected, requests, serverErrors);
              if (r.status() == 200) {
                mine = remember("allocate", r, told);
              }
            } else {
              String target = known.get(rnd(known.size()));
              Http.Response r = command(operator.token(), "claim", target);
              count("claim", r, Set.of(200, 404, 409), statuses, unexpected, requests, serverErrors);
              if (r.status() == 200) {
                mine = remember("claim", r, told);
              }
            }
          } else {
            String action = dice < 50 ? "resolve" : dice < 80 ? "deallocate" : "claim";
            Http.Response r = command(operator.token(), action, mine);
            // 403 / 409: a manager reassigned or moved it away meanwhile; 404: moved to an inbox this operator is not
            // subscribed to, where it is invisible to them (as the contract says).
            count(action, r, Set.of(200, 403, 404, 409), statuses, unexpected, requests, serverErrors);
            if (r.status() == 200) {
              remember(action, r, told);
            }
            if (!"claim".equals(action) || r.status() != 200) {
              mine = null;
            }
          }
          sleep(rnd(10));
        }
      }, "operator"));
    }
    threads.add(new Thread(() -> {
      while (System.nanoTime() < end) {
        String target = known.get(rnd(known.size()));
        Http.Response r;
        if (rnd(10) == 0) {
          r = node().post("/allocation/move-inbox", manager.token(),
            new JsonObject().put("conversationId", target).put("newInboxId", inboxes.get(rnd(4))).encode());
          count("move", r, Set.of(200), statuses, unexpected, requests, serverErrors);
          if (r.status() == 200) {
            remember("move", r, told);
          }
        } else {
          r = node().post("/allocation/reassign", manager.token(), new JsonObject().put("conversationId", target)
            .put("newOperatorId", operators.get(rnd(operators.size())).id()).encode());
          count("reassign", r, Set.of(200, 409), statuses, unexpected, requests, serverErrors);
          if (r.status() == 200) {
            remember("reassign", r, told);
          }
        }
        sleep(20);
      }
    }, "manager"));
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(LOAD.toMillis() + 30_000);
    }

    List<String> violations = new ArrayList<>(Invariants.check(app, s.tenantId));
    List<String> unbacked = backedByTheLog(s, told);
    System.out.printf("[multi-node] nodes=%d operators=%d seconds=%d requests=%d statuses=%s 5xx=%d unexpected=%d"
        + " replies-checked=%d unbacked-replies=%d invariant-violations=%d conversations=%d%n",
      NODES, OPERATORS, LOAD.toSeconds(), requests.get(), new java.util.TreeMap<>(statuses), serverErrors.get(),
      unexpected.size(), told.size(), unbacked.size(), violations.size(), known.size());
    assertEquals(0, serverErrors.get(), () -> "5xx answers: " + first(unexpected));
    assertEquals(List.of(), first(unexpected), "answers outside the expected statuses");
    assertEquals(List.of(), first(violations), "invariants after the load");
    assertEquals(List.of(), first(unbacked), "200 answers not backed by the audit log");
    assertTrue(told.size() > 100, () -> "too little work to mean anything: " + told.size() + " replies");
  }

  @Test
  void graceExpiresOnceAcrossTheSweepersOfAllNodes() throws Exception {
    int owners = 50;
    Scenario s = Tenants.create(app);
    Calls.patchTenant(s, new JsonObject().put("gracePeriodSeconds", 1));
    String inbox = s.inbox();
    List<Scenario.Person> operators = Parallel.map(owners, 8, i -> Calls.available(s, "OPERATOR", inbox));
    List<String> conversations = Parallel.map(owners, 8, i -> {
      String id = s.conversation(inbox).getString("id");
      Http.Response claimed = nodes.get(i % NODES).post("/allocation/claim", operators.get(i).token(),
        new JsonObject().put("conversationId", id).encode());
      assertEquals(200, claimed.status(), claimed::toString);
      return id;
    });
    List<Http.Response> offline = Parallel.map(owners, 16, i -> nodes.get(i % NODES)
      .post("/operator-status/me", operators.get(i).token(), new JsonObject().put("status", "OFFLINE").encode()));
    offline.forEach(r -> assertEquals(200, r.status(), r::toString));
    long graceRows = Db.count(app, "SELECT count(*) FROM grace_period_assignment WHERE tenant_id = ?::uuid", s.tenantId.toString());
    assertEquals(owners, graceRows, "one grace assignment per owned conversation");

    long started = System.nanoTime();
    Calls.await(Duration.ofSeconds(15), () -> "grace assignments left: " + remainingGrace(s), () -> remainingGrace(s) == 0
      && Db.count(app, "SELECT count(*) FROM conversation_ref WHERE tenant_id = ?::uuid AND state = 'QUEUED'",
      s.tenantId.toString()) == owners);
    long drainedMs = (System.nanoTime() - started) / 1_000_000;
    Thread.sleep(1_500); // give every sweeper a few more passes to double-process, if it would

    Map<String, Long> releasesPerConversation = new HashMap<>();
    try (Connection connection = app.jdbc(); PreparedStatement statement = connection.prepareStatement(
      "SELECT conversation_id::text, count(*) FROM domain_event WHERE tenant_id = ?::uuid AND type = 'RELEASED'"
        + " AND reason = 'GRACE_EXPIRED' GROUP BY conversation_id")) {
      statement.setString(1, s.tenantId.toString());
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          releasesPerConversation.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    long total = releasesPerConversation.values().stream().mapToLong(Long::longValue).sum();
    List<String> violations = Invariants.check(app, s.tenantId);
    System.out.printf("[grace-across-nodes] nodes=%d operators-offline=%d grace-rows=%d released-events=%d"
        + " conversations-released=%d drained-after-ms=%d invariant-violations=%d%n",
      NODES, owners, graceRows, total, releasesPerConversation.size(), drainedMs, violations.size());
    assertEquals(owners, total, () -> "RELEASED/GRACE_EXPIRED events: " + releasesPerConversation);
    assertEquals(Set.copyOf(conversations), releasesPerConversation.keySet(), "one release per conversation");
    assertEquals(List.of(), violations);
  }

  private static long remainingGrace(Scenario s) {
    return Db.count(app, "SELECT count(*) FROM grace_period_assignment WHERE tenant_id = ?::uuid", s.tenantId.toString());
  }

  /**
   * Every 200 reply names a state the audit log really reached: an event to that state (and, when ALLOCATED, to that
   * owner). When the stored row differs now, a later state change must exist.
   */
  private static List<String> backedByTheLog(Scenario s, List<Told> told) throws Exception {
    Map<String, List<Object[]>> events = new HashMap<>();
    try (Connection connection = app.jdbc(); PreparedStatement statement = connection.prepareStatement(
      "SELECT conversation_id::text, id, to_state, operator_id::text FROM domain_event"
        + " WHERE tenant_id = ?::uuid AND to_state IS NOT NULL ORDER BY id")) {
      statement.setString(1, s.tenantId.toString());
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          events.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
            .add(new Object[] {rs.getLong(2), rs.getString(3), rs.getString(4)});
        }
      }
    }
    Map<String, Db.Row> rows = Db.conversations(app, s.tenantId);
    List<String> problems = new ArrayList<>();
    for (Told reply : told) {
      List<Object[]> history = events.getOrDefault(reply.conversationId(), List.of());
      long matching = -1;
      for (Object[] event : history) {
        boolean sameState = reply.state().equals(event[1]);
        boolean sameOwner = !"ALLOCATED".equals(reply.state()) || Objects.equals(reply.owner(), event[2]);
        if (sameState && sameOwner) {
          matching = (long) event[0];
        }
      }
      if (matching < 0) {
        problems.add(reply + ": no event ever reached that state/owner");
        continue;
      }
      Db.Row now = rows.get(reply.conversationId());
      boolean stillTrue = now != null && now.state().equals(reply.state()) && Objects.equals(now.owner(), reply.owner());
      long last = history.isEmpty() ? -1 : (long) history.get(history.size() - 1)[0];
      if (!stillTrue && last <= matching) {
        problems.add(reply + ": stored now " + now + " with no later state change");
      }
    }
    return problems;
  }

  private static String remember(String op, Http.Response r, List<Told> told) {
    JsonObject body = r.json();
    told.add(new Told(op, body.getString("id"), body.getString("state"), body.getString("assignedOperatorId")));
    return body.getString("id");
  }

  private static Http.Response command(String token, String action, String conversationId) {
    return node().post("/allocation/" + action, token, new JsonObject().put("conversationId", conversationId).encode());
  }

  private static void count(String op, Http.Response r, Set<Integer> expected, Map<String, AtomicInteger> statuses,
                            List<String> unexpected, AtomicLong requests, AtomicInteger serverErrors) {
    requests.incrementAndGet();
    statuses.computeIfAbsent(op + ":" + r.status(), k -> new AtomicInteger()).incrementAndGet();
    if (r.status() >= 500) {
      serverErrors.incrementAndGet();
    }
    if (!expected.contains(r.status())) {
      unexpected.add(op + " -> " + r);
    }
  }

  private static Node node() {
    return nodes.get(rnd(NODES));
  }

  private static int rnd(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> first(List<String> list) {
    return list.size() <= 20 ? list : Collections.unmodifiableList(list.subList(0, 20));
  }
}
