package io.inboxallocation.orchestrator;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The circuit breaker in front of the orchestrator: five failures in a row (a success or a 404 breaks the row) open
 * it; open, history and contact answer 503 without calling the orchestrator; after the open time one call goes through
 * alone, and its failure opens the breaker again while its success closes it.
 */
@ExtendWith(VertxExtension.class)
class OrchestratorBreakerTest {

  private static final int OPEN_MILLIS = 500;

  private static FakeOrchestrator orchestrator;
  private static TestService app;
  private static Http http;
  private static Scenario s;
  private static String history;
  private static String contact;

  @BeforeAll
  static void start(Vertx vertx) {
    orchestrator = FakeOrchestrator.start(vertx);
    app = TestService.start(vertx, orchestrator.environment(2_000, OPEN_MILLIS));
    http = app.http;
    s = Tenants.create(app);
    String conversation = s.conversation(s.inbox()).getString("id");
    history = "/conversations/" + conversation + "/history";
    contact = "/conversations/" + conversation + "/contact";
  }

  @AfterAll
  static void stop() {
    app.vertx.close().await();
    app.dropDatabase();
  }

  @BeforeEach
  void forgetCalls() {
    orchestrator.forgetCalls();
  }

  @Test
  void fiveFailuresInARowOpenItThenOneTrialCallClosesOrReopensIt() throws InterruptedException {
    orchestrator.answer(500, "{}");
    failures(4);
    orchestrator.answer(404, "{}");
    assertProblem(http.get(history, s.admin), 404);
    orchestrator.answer(500, "{}");
    failures(4);
    assertEquals(9, orchestrator.calls().size(), "a 404 is not a failure: the row was broken, the breaker is closed");

    failures(1);
    assertProblem(http.get(history, s.admin), 503);
    assertProblem(http.get(contact, s.admin), 503);
    assertEquals(10, orchestrator.calls().size(), "open: the orchestrator is not called");

    Thread.sleep(OPEN_MILLIS + 100);
    failures(1);
    assertProblem(http.get(history, s.admin), 503);
    assertEquals(11, orchestrator.calls().size(), "the failed trial call opened the breaker again");

    Thread.sleep(OPEN_MILLIS + 100);
    orchestrator.answerAfter(500, 200, FakeOrchestrator.PAGE.encode());
    List<Integer> trial = Future.all(List.of(send(history), send(history))).await().<Http.Response>list().stream()
      .map(Http.Response::status).sorted().toList();
    assertEquals(List.of(200, 503), trial, "half-open: one call goes through, the one beside it is refused");
    assertEquals(12, orchestrator.calls().size());

    orchestrator.healthy();
    for (int i = 0; i < 6; i++) {
      assertEquals(200, http.get(history, s.admin).status());
    }
    assertEquals(18, orchestrator.calls().size(), "closed again: every call reaches the orchestrator");
  }

  @Test
  void successesKeepItClosed() {
    orchestrator.healthy();
    for (int i = 0; i < 3; i++) {
      orchestrator.answer(500, "{}");
      failures(4);
      orchestrator.healthy();
      assertEquals(200, http.get(history, s.admin).status());
    }
  }

  private static void failures(int count) {
    for (int i = 0; i < count; i++) {
      assertProblem(http.get(history, s.admin), 502);
    }
  }

  private static Future<Http.Response> send(String path) {
    return http.send(HttpMethod.GET, path, s.admin, null);
  }
}
