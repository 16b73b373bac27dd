package io.inboxallocation.ops;

import io.inboxallocation.Service;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceProcess;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metrics on the management port, not on the API's: the queue per inbox as the database counts it, the lifecycle
 * counters and histograms, and the probes.
 */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  private static TestService app;
  private static Vertx node;
  private static Http management;

  @BeforeAll
  static void start(Vertx vertx) {
    app = TestService.start(vertx, Map.of("QUEUE_METRICS_INTERVAL_MS", "200"));
    node = Vertx.vertx();
    Service service = Service.start(node, app.config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await();
    management = new Http(node, service.managementPort());
  }

  @AfterAll
  static void stop() {
    node.close().await();
    app.dropDatabase();
  }

  @Test
  void theQueueOfEachInboxIsScrapedAsTheDatabaseCountsItOnTheManagementPortOnly() throws Exception {
    Scenario s = Tenants.create(app);
    String busy = s.inbox();
    String quiet = s.inbox();
    for (int i = 0; i < 3; i++) {
      s.conversation(busy);
    }
    s.conversation(quiet);
    Calls.await(Duration.ofSeconds(10), () -> "the gauges refreshed", () -> queued(scrape(), s, busy) == 3.0);
    String metrics = scrape();
    assertEquals(count(s, busy), queued(metrics, s, busy));
    assertEquals(count(s, quiet), queued(metrics, s, quiet));
    assertTrue(metrics.contains("inbox_allocation_oldest_queued_seconds{"), metrics);
    assertTrue(metrics.contains("inbox_allocation_grace_pending "), metrics);
    assertTrue(metrics.contains("inbox_allocation_webhook_pending "), metrics);

    assertEquals(404, app.http.get("/metrics", null).status(), "the API's port does not serve metrics");
    assertEquals(200, management.get("/health/live", null).status());
    assertEquals(200, management.get("/health/ready", null).status());
  }

  /**
   * Two nodes serve the tenant and both number events: each change is counted once, by one of them, so the sums of
   * their counters moved by exactly the changes made.
   */
  @Test
  void lifecycleCountersSummedOverTheNodesMoveByExactlyTheChangesMade() throws InterruptedException {
    Scenario s = Tenants.create(app);
    String inbox = s.inbox();
    Scenario.Person ann = s.availableOperator(inbox);
    Scenario.Person bob = s.availableOperator(inbox);
    String manager = s.person("MANAGER").token();
    Map<String, Double> before = summed();
    String first = s.conversation(inbox).getString("id");
    String second = s.conversation(inbox).getString("id");

    assertEquals(first, ok(Calls.allocate(s, ann.token())), "auto");
    assertEquals(second, ok(Calls.claim(s, bob.token(), second)), "claim");
    ok(Calls.reassign(s, manager, second, ann.id()));
    ok(Calls.deallocate(s, ann.token(), second));
    ok(Calls.resolve(s, ann.token(), first));

    Map<String, Double> expected = Map.of(
      "inbox_allocation_allocations_total{mode=\"auto\"}", 1.0,
      "inbox_allocation_allocations_total{mode=\"claim\"}", 1.0,
      "inbox_allocation_allocations_total{mode=\"reassign\"}", 1.0,
      "inbox_allocation_allocations_total{mode=\"push\"}", 0.0,
      "inbox_allocation_releases_total{reason=\"deallocate\"}", 1.0,
      "inbox_allocation_releases_total{reason=\"grace_expired\"}", 0.0,
      "inbox_allocation_resolutions_total", 1.0,
      "inbox_allocation_queue_wait_seconds_count", 2.0,
      "inbox_allocation_handle_seconds_count", 1.0);
    Calls.await(Duration.ofSeconds(3), () -> "the counters moved: " + moved(before, summed(), expected),
      () -> moved(before, summed(), expected).equals(expected));
    Thread.sleep(500);
    assertEquals(expected, moved(before, summed(), expected), "and no further");
    String metrics = scrape();
    assertTrue(metrics.contains("inbox_allocation_queue_wait_seconds_bucket{le=\"1.0\"}"), metrics);
    assertTrue(metrics.contains("inbox_allocation_feed_lag_seconds "), metrics);
    assertTrue(metrics.contains("inbox_allocation_websockets_open "), metrics);
    assertTrue(metrics.contains("inbox_allocation_webhook_deliveries_total{result=\"succeeded\"}"), metrics);
  }

  @Test
  void theServiceProcessAlsoExposesVertxAndJvmMeters() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(app.vertx, app, Map.of())) {
      assertEquals(200, service.http.get("/health/live", null).status());
      String metrics = service.management.get("/metrics", null).body();
      for (String meter : new String[] {"jvm_memory_used_bytes", "vertx_http_server_requests_total",
        "vertx_pool_in_use", "inbox_allocation_grace_pending"}) {
        assertTrue(metrics.contains(meter), meter + " in\n" + metrics.lines().limit(40).toList());
      }
      // Series per database client: writes, reads (pipelined) and the background connections.
      for (String client : new String[] {"writes", "reads", "background"}) {
        assertTrue(metrics.contains("vertx_pool_in_use{pool_name=\"" + client + "\",pool_type=\"sql\"}"),
          client + " in\n" + metrics.lines().filter(line -> line.startsWith("vertx_pool_in_use")).toList());
        assertTrue(metrics.contains("vertx_sql_processing_pending{client_namespace=\"" + client + "\"}"),
          client + " in\n" + metrics.lines().filter(line -> line.startsWith("vertx_sql_processing_pending")).toList());
      }
      // Off: each request crosses the event bus twice, and these would be updated for every crossing.
      for (String off : new String[] {"vertx_eventbus_", "vertx_net_", "vertx_verticle"}) {
        assertFalse(metrics.contains(off), off + " in\n" + metrics.lines().filter(line -> line.contains(off)).toList());
      }
    }
  }

  private static String scrape() {
    Http.Response answer = management.get("/metrics", null);
    assertEquals(200, answer.status(), answer::toString);
    return answer.body();
  }

  private static String ok(Http.Response answer) {
    assertEquals(200, answer.status(), answer::toString);
    return answer.json().getString("id");
  }

  /** Every sample of both nodes, summed by name and labels. */
  private static Map<String, Double> summed() {
    Map<String, Double> sums = new HashMap<>();
    for (Http port : new Http[] {management, app.management}) {
      String metrics = port.get("/metrics", null).body();
      metrics.lines().filter(line -> !line.startsWith("#")).forEach(line -> {
        int space = line.lastIndexOf(' ');
        sums.merge(line.substring(0, space), Double.parseDouble(line.substring(space + 1)), Double::sum);
      });
    }
    return sums;
  }

  private static Map<String, Double> moved(Map<String, Double> before, Map<String, Double> after,
                                           Map<String, Double> names) {
    Map<String, Double> moved = new HashMap<>();
    names.keySet().forEach(name -> moved.put(name, after.getOrDefault(name, -1.0) - before.getOrDefault(name, 0.0)));
    return moved;
  }

  private static double queued(String metrics, Scenario s, String inbox) {
    Matcher line = Pattern.compile("inbox_allocation_queued_conversations\\{inbox_id=\"" + inbox + "\",tenant_id=\""
      + s.tenantId + "\"} ([0-9.E]+)").matcher(metrics);
    return line.find() ? Double.parseDouble(line.group(1)) : -1;
  }

  private static double count(Scenario s, String inbox) throws Exception {
    try (Connection db = app.jdbc(); PreparedStatement sql = db.prepareStatement(
      "SELECT count(*) FROM conversation_ref WHERE inbox_id = ?::uuid AND state = 'QUEUED'")) {
      sql.setString(1, inbox);
      try (ResultSet rows = sql.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
