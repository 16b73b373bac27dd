package io.inboxallocation.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A small HTTP client for tests: real requests over loopback, answers as {@link Response}. */
public final class Http {

  private final WebClient client;
  private final int port;

  public Http(Vertx vertx, int port) {
    this.port = port;
    this.client = WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(64));
  }

  public int port() {
    return port;
  }

  /** Sends asynchronously; {@code body} may be null, a JsonObject, or a raw String sent as application/json. */
  public Future<Response> send(HttpMethod method, String path, String token, Object body) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent;
    if (body == null) {
      sent = request.send();
    } else if (body instanceof Buffer raw) {
      sent = request.putHeader("content-type", "application/json").sendBuffer(raw);
    } else {
      Buffer payload = body instanceof JsonObject json ? json.toBuffer() : Buffer.buffer(body.toString());
      sent = request.putHeader("content-type", "application/json").sendBuffer(payload);
    }
    return sent.map(r -> new Response(r.statusCode(), r.headers(), r.body() == null ? "" : r.bodyAsString()));
  }

  /** Sends with explicit headers (content type included) and a raw body. */
  public Response raw(HttpMethod method, String path, MultiMap headers, Buffer body) {
    HttpRequest<Buffer> request = client.request(method, path);
    request.putHeaders(headers);
    return (body == null ? request.send() : request.sendBuffer(body))
      .map(r -> new Response(r.statusCode(), r.headers(), r.body() == null ? "" : r.bodyAsString()))
      .await();
  }

  /** A GET with If-None-Match (null: none), as a polling client sends it. */
  public Response getIfNoneMatch(String path, String token, String etag) {
    HttpRequest<Buffer> request = client.request(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + token);
    if (etag != null) {
      request.putHeader("If-None-Match", etag);
    }
    return request.send()
      .map(r -> new Response(r.statusCode(), r.headers(), r.body() == null ? "" : r.bodyAsString()))
      .await();
  }

  public Response get(String path, String token) {
    return send(HttpMethod.GET, path, token, null).await();
  }

  public Response post(String path, String token, Object body) {
    return send(HttpMethod.POST, path, token, body == null ? new JsonObject() : body).await();
  }

  public Response put(String path, String token, Object body) {
    return send(HttpMethod.PUT, path, token, body).await();
  }

  public Response patch(String path, String token, Object body) {
    return send(HttpMethod.PATCH, path, token, body).await();
  }

  public Response delete(String path, String token) {
    return send(HttpMethod.DELETE, path, token, null).await();
  }

  /** An HTTP answer: status, headers and body text, with JSON accessors. */
  public record Response(int status, MultiMap headers, String body) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public String id() {
      return json().getString("id");
    }

    public String contentType() {
      return headers.get("content-type");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
