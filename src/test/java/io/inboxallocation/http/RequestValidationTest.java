package io.inboxallocation.http;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.inboxallocation.testing.ProblemAssert.assertBadField;
import static io.inboxallocation.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How requests are checked against openapi.yaml, beyond which inputs are rejected (see {@link BadInputTest}). */
class RequestValidationTest extends ServiceTest {

  /** vertx-openapi's own validation ran on a worker thread, so a request waited for a free one; ours does not. */
  @Test
  void requestsAreValidatedWhileEveryWorkerThreadIsBusy() throws InterruptedException {
    Scenario s = newTenant();
    String inbox = s.inbox();
    int workers = VertxOptions.DEFAULT_WORKER_POOL_SIZE;
    CountDownLatch busy = new CountDownLatch(workers);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < workers; i++) {
      app.vertx.executeBlocking(() -> {
        busy.countDown();
        return release.await(1, TimeUnit.MINUTES);
      }, false);
    }
    try {
      assertTrue(busy.await(10, TimeUnit.SECONDS), "every worker thread busy");
      assertEquals(200, promptly(http.send(HttpMethod.GET, "/conversations?limit=5&sort=oldest", s.admin, null))
        .status());
      assertEquals(200, promptly(http.send(HttpMethod.GET, "/inboxes/" + inbox, s.admin, null)).status());
      assertBadField(promptly(http.send(HttpMethod.PATCH, "/inboxes/" + inbox, s.admin,
        new JsonObject().put("displayName", 5))), "displayName");
      assertBadField(promptly(http.send(HttpMethod.GET, "/conversations?limit=0", s.admin, null)), "limit");
    } finally {
      release.countDown();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/conversations/%zz", "/conversations/00000000-0000-4000-8000-000000000001%",
    "/nowhere/%", "/conversations?limit=%zz", "/conversations?cursor=a%2", "/operators/%+1"})
  void malformedPercentEncodingIs400Problem(String path) {
    Scenario s = newTenant();
    assertProblem(http.raw(HttpMethod.GET, path, bearer(s), null), 400);
  }

  /** The body handler merges a form body into the query parameters, and never answered when the query was malformed. */
  @Test
  void formBodyWithMalformedQueryIs400Problem() {
    Scenario s = newTenant();
    MultiMap headers = bearer(s).add("Content-Type", "application/x-www-form-urlencoded");
    assertProblem(http.raw(HttpMethod.POST, "/allocation/claim?x=%zz", headers, Buffer.buffer("a=b")), 400);
  }

  private static MultiMap bearer(Scenario s) {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + s.admin);
  }

  /** Well before the service's request timeout. */
  private static Http.Response promptly(Future<Http.Response> response) {
    return response.timeout(3, TimeUnit.SECONDS).await();
  }
}
