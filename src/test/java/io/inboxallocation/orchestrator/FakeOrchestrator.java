package io.inboxallocation.orchestrator;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The orchestrator, as a real HTTP server on a random port of this machine. Each test sets how it answers; it records
 * every request. It checks each request against orchestrator.yaml (our description of the orchestrator): one that
 * does not match is answered 400 and recorded with the reason, so a test that expected a 200 fails and says why.
 */
final class FakeOrchestrator {

  static final String TOKEN = "orchestrator-token-0123";

  /** The page every history request gets while the orchestrator is healthy. */
  static final JsonObject PAGE = new JsonObject()
    .put("items", new JsonArray().add(new JsonObject().put("id", "m-1").put("from", "customer").put("text", "hi")))
    .put("nextCursor", "page-2");

  /** One request as the orchestrator saw it: the raw path, the decoded query, and what orchestrator.yaml said of it. */
  record Call(String path, MultiMap query, String authorization, String violation) {
  }

  private final Vertx vertx;
  private final RequestValidator contract;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Handler<HttpServerRequest> behaviour;
  private HttpServer server;
  private int port;

  private FakeOrchestrator(Vertx vertx, RequestValidator contract) {
    this.vertx = vertx;
    this.contract = contract;
    healthy();
  }

  static FakeOrchestrator start(Vertx vertx) {
    FakeOrchestrator fake = new FakeOrchestrator(vertx,
      RequestValidator.create(vertx, OpenAPIContract.from(vertx, "orchestrator.yaml").await()));
    fake.listen(0);
    return fake;
  }

  /** The service's settings that point at this orchestrator. */
  Map<String, String> environment(int timeoutMillis, int breakerOpenMillis) {
    return Map.of("ORCHESTRATOR_URL", "http://127.0.0.1:" + port, "ORCHESTRATOR_TOKEN", TOKEN,
      "ORCHESTRATOR_TIMEOUT_MS", String.valueOf(timeoutMillis),
      "ORCHESTRATOR_BREAKER_OPEN_MS", String.valueOf(breakerOpenMillis));
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  Call lastCall() {
    return calls.get(calls.size() - 1);
  }

  void forgetCalls() {
    calls.clear();
  }

  /** History: {@link #PAGE}; contacts: a contact that says which call of this orchestrator made it. */
  void healthy() {
    behaviour = request -> {
      JsonObject body = request.path().startsWith("/contacts/")
        ? new JsonObject().put("name", "Maria").put("call", calls.size()) : PAGE;
      request.response().putHeader("content-type", "application/json").end(body.encode());
    };
  }

  void answer(int status, String body) {
    answerAfter(0, status, body);
  }

  void answerAfter(long millis, int status, String body) {
    behaviour = request -> vertx.setTimer(Math.max(1, millis), timer -> request.response().setStatusCode(status)
      .putHeader("content-type", "application/json").end(body));
  }

  /** A redirect to a path this orchestrator would answer with success. */
  void redirect() {
    behaviour = request -> request.response().setStatusCode(302)
      .putHeader("location", "http://127.0.0.1:" + port + "/contacts/by-phone/%2B5511999990000").end();
  }

  /** Nobody listens on the port until {@link #up()}. */
  void down() {
    server.close().await();
  }

  void up() {
    listen(port);
  }

  private void listen(int at) {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(at).await();
    port = server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    MultiMap query = MultiMap.caseInsensitiveMultiMap().addAll(request.params());
    String authorization = request.getHeader("authorization");
    contract.validate(request).onComplete(valid -> {
      calls.add(new Call(request.path(), query, authorization, valid.failed() ? valid.cause().getMessage() : null));
      if (valid.failed()) {
        request.response().setStatusCode(400).end();
      } else {
        behaviour.handle(request);
      }
    });
  }
}
