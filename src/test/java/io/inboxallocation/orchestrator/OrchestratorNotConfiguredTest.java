package io.inboxallocation.orchestrator;

import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without ORCHESTRATOR_URL the service runs; history and contact answer 503, an id the caller cannot see still 404. */
@ExtendWith(VertxExtension.class)
class OrchestratorNotConfiguredTest {

  private static TestService app;

  @BeforeAll
  static void start(Vertx vertx) {
    app = TestService.start(vertx, Map.of("ORCHESTRATOR_URL", ""));
  }

  @AfterAll
  static void stop() {
    app.vertx.close().await();
    app.dropDatabase();
  }

  @Test
  void historyAndContactAre503() {
    Scenario s = Tenants.create(app);
    String conversation = s.conversation(s.inbox()).getString("id");
    for (String read : new String[] {"/history", "/contact"}) {
      String detail = assertProblem(app.http.get("/conversations/" + conversation + read, s.admin), 503)
        .getString("detail");
      assertTrue(detail.contains("ORCHESTRATOR_URL"), detail);
      assertProblem(app.http.get("/conversations/" + UUID.randomUUID() + read, s.admin), 404);
    }
  }
}
