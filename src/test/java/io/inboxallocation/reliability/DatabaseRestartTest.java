package io.inboxallocation.reliability;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Db;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Invariants;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.ThrowawayPostgres;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL (a throwaway cluster of this class) stopped under load for ~3 s and started again: the service answers
 * 503 problems quickly while it is down, reports DOWN on /health, recovers by itself, and lost nothing it confirmed.
 */
class DatabaseRestartTest {

  static final long CLIENT_TIMEOUT_MS = 10_000;
  static ThrowawayPostgres pg;
  static Vertx vertx;
  static TestService app;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(ThrowawayPostgres.binaries() != null,
      "no PostgreSQL binaries (initdb, pg_ctl) on this machine: the restart test needs a cluster of its own");
    pg = ThrowawayPostgres.start();
    vertx = Vertx.vertx();
    app = TestService.start(vertx, Map.of("DATABASE_URL", "", "PGHOST", "127.0.0.1", "PGPORT", String.valueOf(pg.port)));
  }

  @AfterAll
  static void stop() {
    try {
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  record Confirmed(String what, String conversationId, int messageCount) {
  }

  @Test
  void outageAnswers503QuicklyAndNothingConfirmedIsLost() throws Exception {
    Scenario s = Tenants.create(app);
    String inbox = s.inbox();
    List<Scenario.Person> operators = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      operators.add(Calls.available(s, "OPERATOR", inbox));
    }
    for (int i = 0; i < 30; i++) {
      s.conversation(inbox);
    }

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean down = new AtomicBoolean(false);
    List<Confirmed> confirmed = new CopyOnWriteArrayList<>();
    List<String> bad = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicLong requests = new AtomicLong();
    AtomicLong slowest = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int client = c;
      clients.add(new Thread(() -> {
        List<String> mine = new ArrayList<>();
        int n = 0;
        while (running.get()) {
          // New conversations, and updates raising the message count of earlier ones.
          boolean update = !mine.isEmpty() && n % 3 == 0;
          String external = update ? mine.get(n % mine.size()) : "restart-" + client + "-" + UUID.randomUUID();
          int count = n;
          Http.Response r = timed(HttpMethod.POST, "/conversations", s.service, Calls.upsertBody(inbox, external,
            Scenario.randomPhone()).put("messageCount", count), statuses, requests, slowest);
          if (r.status() == 200 || r.status() == 201) {
            mine.add(external);
            confirmed.add(new Confirmed("upsert:" + external, r.id(), count));
          } else {
            judge("upsert", r, down, bad);
          }
          n++;
          pause(10);
        }
      }, "upserter-" + c));
    }
    for (Scenario.Person operator : operators) {
      clients.add(new Thread(() -> {
        while (running.get()) {
          Http.Response r = timed(HttpMethod.POST, "/allocation/allocate", operator.token(), new JsonObject(),
            statuses, requests, slowest);
          if (r.status() == 200) {
            confirmed.add(new Confirmed("allocate:" + operator.id(), r.id(), -1));
            Http.Response resolved = timed(HttpMethod.POST, "/allocation/resolve", operator.token(),
              new JsonObject().put("conversationId", r.id()), statuses, requests, slowest);
            if (resolved.status() == 200) {
              confirmed.add(new Confirmed("resolve", r.id(), -1));
            } else {
              judge("resolve", resolved, down, bad);
            }
          } else if (r.status() != 204) {
            judge("allocate", r, down, bad);
          }
          pause(10);
        }
      }, "operator"));
    }
    clients.forEach(Thread::start);

    Thread.sleep(2_000);
    long confirmedBefore = confirmed.size();
    down.set(true);
    pg.stopServer();
    long stoppedAt = System.nanoTime();
    Thread.sleep(300);
    // While down: problems, fast; health says DOWN.
    List<Long> probeMs = new ArrayList<>();
    int probes = 0;
    while ((System.nanoTime() - stoppedAt) < 3_000_000_000L) {
      long t0 = System.nanoTime();
      Http.Response health = timed(HttpMethod.GET, "/health", null, null, statuses, requests, slowest);
      Http.Response live = timed(HttpMethod.GET, "/health/live", null, null, statuses, requests, slowest);
      Http.Response ready = timed(HttpMethod.GET, "/health/ready", null, null, statuses, requests, slowest);
      Http.Response tenant = timed(HttpMethod.GET, "/tenants/me", s.admin, null, statuses, requests, slowest);
      probeMs.add((System.nanoTime() - t0) / 1_000_000);
      probes++;
      assertEquals(503, health.status(), () -> "health while down: " + health);
      assertEquals("DOWN", health.json().getString("status"), () -> "health body while down: " + health);
      assertEquals(200, live.status(), () -> "liveness while the database is down: " + live);
      assertEquals(503, ready.status(), () -> "readiness while the database is down: " + ready);
      assertProblem(tenant, 503);
      assertEquals("urn:inbox-allocation:problem:unavailable", tenant.json().getString("type"), tenant::toString);
      Thread.sleep(200);
    }
    pg.startServer();
    long restartedAt = System.nanoTime();
    down.set(false);
    long recoveredMs = -1;
    while ((System.nanoTime() - restartedAt) < 15_000_000_000L) {
      Http.Response r = timed(HttpMethod.POST, "/conversations", s.service,
        Calls.upsertBody(inbox, "probe-" + UUID.randomUUID(), Scenario.randomPhone()), statuses, requests, slowest);
      if (r.status() == 201) {
        recoveredMs = (System.nanoTime() - restartedAt) / 1_000_000;
        confirmed.add(new Confirmed("upsert:probe", r.id(), 0));
        break;
      }
      Thread.sleep(100);
    }
    Thread.sleep(2_000);
    running.set(false);
    for (Thread client : clients) {
      client.join(CLIENT_TIMEOUT_MS * 2);
    }
    Http.Response healthAfter = timed(HttpMethod.GET, "/health", null, null, statuses, requests, slowest);
    Http.Response readyAfter = timed(HttpMethod.GET, "/health/ready", null, null, statuses, requests, slowest);

    List<String> lost = lostConfirmations(confirmed);
    List<String> violations = Invariants.check(app, s.tenantId);
    System.out.printf("[db-restart] requests=%d statuses=%s outage-probes=%d probe-max-ms=%d slowest-answer-ms=%d"
        + " recovered-after-ms=%d confirmed-before-outage=%d confirmed-total=%d lost=%d unexpected=%d"
        + " invariant-violations=%d faults-injected=1 (pg_ctl stop -m fast, ~3 s)%n",
      requests.get(), new TreeMap<>(statuses), probes, probeMs.stream().mapToLong(Long::longValue).max().orElse(-1),
      slowest.get(), recoveredMs, confirmedBefore, confirmed.size(), lost.size(), bad.size(), violations.size());
    assertTrue(recoveredMs >= 0 && recoveredMs <= 5_000, "a 2xx within 5 s of PostgreSQL being back, was " + recoveredMs + " ms");
    assertEquals(200, healthAfter.status(), healthAfter::toString);
    assertEquals(200, readyAfter.status(), () -> "ready again, without a restart: " + readyAfter);
    assertTrue(slowest.get() < CLIENT_TIMEOUT_MS, "every answer within the client timeout, slowest " + slowest.get() + " ms");
    assertEquals(List.of(), bad, "answers other than 2xx / 204 / 503 problem");
    assertEquals(List.of(), lost, "confirmed commands lost");
    assertEquals(List.of(), violations, "invariants after the restart");
    assertTrue(confirmedBefore > 10, "load before the outage: " + confirmedBefore);
  }

  /** A 5xx other than a 503 problem, or no answer at all, is a failure; 503 only while PostgreSQL is (nearly) down. */
  private static void judge(String what, Http.Response r, AtomicBoolean down, List<String> bad) {
    boolean problem503 = r.status() == 503 && String.valueOf(r.contentType()).startsWith("application/problem+json");
    if (!problem503) {
      bad.add(what + " -> " + r + (down.get() ? " (during outage)" : ""));
    }
  }

  private static List<String> lostConfirmations(List<Confirmed> confirmed) throws Exception {
    List<String> lost = new ArrayList<>();
    try (Connection connection = app.jdbc()) {
      for (Confirmed c : confirmed) {
        if (c.what().startsWith("upsert")) {
          long count = query(connection, "SELECT coalesce(max(message_count), -1) FROM conversation_ref WHERE id = ?::uuid", c.conversationId());
          if (count < c.messageCount()) {
            lost.add(c + ": stored messageCount " + count);
          }
        } else if (c.what().startsWith("allocate")) {
          String operator = c.what().substring("allocate:".length());
          long events = query(connection, "SELECT count(*) FROM domain_event WHERE conversation_id = ?::uuid"
            + " AND type = 'ALLOCATED' AND operator_id = '" + operator + "'::uuid", c.conversationId());
          if (events < 1) {
            lost.add(c + ": no ALLOCATED event");
          }
        } else if (c.what().equals("resolve")) {
          String state = Db.conversation(app, c.conversationId()).state();
          long reopened = query(connection, "SELECT count(*) FROM domain_event WHERE conversation_id = ?::uuid"
            + " AND type = 'REOPENED'", c.conversationId());
          if (!"RESOLVED".equals(state) && reopened == 0) {
            lost.add(c + ": stored " + state);
          }
        }
      }
    }
    return lost;
  }

  private static long query(Connection connection, String sql, String param) throws Exception {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, param);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** One request with a hard client timeout (status 0 when none came); tracks the slowest answer. */
  private static Http.Response timed(HttpMethod method, String path, String token, JsonObject body,
                                     Map<String, AtomicInteger> statuses, AtomicLong requests, AtomicLong slowest) {
    long t0 = System.nanoTime();
    Http.Response r;
    try {
      r = app.http.send(method, path, token, body == null ? null : Buffer.buffer(body.encode()))
        .await(CLIENT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      r = new Http.Response(0, MultiMap.caseInsensitiveMultiMap(), "no answer within " + CLIENT_TIMEOUT_MS + " ms");
    } catch (RuntimeException e) {
      r = new Http.Response(0, MultiMap.caseInsensitiveMultiMap(), "failed: " + e);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    slowest.accumulateAndGet(ms, Math::max);
    requests.incrementAndGet();
    statuses.computeIfAbsent(path.replaceAll("/[0-9a-f-]{36}", "/{id}") + ":" + r.status(), k -> new AtomicInteger())
      .incrementAndGet();
    return r;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
