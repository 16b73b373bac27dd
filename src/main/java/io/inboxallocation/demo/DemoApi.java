package io.inboxallocation.demo;

import io.inboxallocation.auth.Role;
import io.inboxallocation.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.Arrays;
import java.util.UUID;

/**
 * The node's own public API, called over loopback with tokens signed by JWT_SECRET, so that everything the demo does
 * goes through the real commands and produces the real events. Blocking: it runs on the demo's own thread.
 */
final class DemoApi {

  /** Tokens the demo uses itself live a minute; the printed links, longer ({@link #token}). */
  private static final int CALL_TTL_SECONDS = 60;

  private final WebClient client;
  private final JWTAuth jwt;
  private final int port;

  DemoApi(Vertx vertx, JWTAuth jwt, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true));
    this.jwt = jwt;
    this.port = port;
  }

  int port() {
    return port;
  }

  String token(Role role, UUID tenantId, String subject, int ttlSeconds) {
    return Tokens.mint(jwt, subject, role, tenantId == null ? null : tenantId.toString(), ttlSeconds);
  }

  /** Who calls: a role, the tenant (null for PLATFORM_ADMIN) and the subject (an operator id for people). */
  record Caller(Role role, UUID tenantId, String subject) {
  }

  record Answer(int status, JsonObject body) {

    JsonArray items() {
      return body.getJsonArray("items");
    }
  }

  JsonObject get(Caller caller, String path) {
    return call(caller, HttpMethod.GET, path, null, 200).body();
  }

  JsonObject post(Caller caller, String path, JsonObject body) {
    return call(caller, HttpMethod.POST, path, body, 200, 201).body();
  }

  JsonObject patch(Caller caller, String path, JsonObject body) {
    return call(caller, HttpMethod.PATCH, path, body, 200).body();
  }

  /** A call whose answer must have one of the expected statuses; any other is an error naming the problem. */
  Answer call(Caller caller, HttpMethod method, String path, JsonObject body, int... expected) {
    return send(caller, method, path, body, expected).await();
  }

  /** {@link #call}, without waiting: calls sent together share a few keep-alive connections. */
  Future<Answer> send(Caller caller, HttpMethod method, String path, JsonObject body, int... expected) {
    HttpRequest<Buffer> request = client.request(method, path)
      .putHeader("authorization", "Bearer " + token(caller.role(), caller.tenantId(), caller.subject(),
        CALL_TTL_SECONDS));
    Future<HttpResponse<Buffer>> sent = body == null ? request.send()
      : request.putHeader("content-type", "application/json").sendBuffer(body.toBuffer());
    return sent.compose(response -> {
      String text = response.bodyAsString();
      Answer answer = new Answer(response.statusCode(), text == null || text.isBlank() ? new JsonObject()
        : new JsonObject(text));
      return Arrays.stream(expected).anyMatch(status -> status == answer.status()) ? Future.succeededFuture(answer)
        : Future.failedFuture(new IllegalStateException(method + " " + path + " answered " + answer.status() + ": "
          + answer.body().getString("title", "") + " " + answer.body().getString("detail", "")));
    });
  }
}
