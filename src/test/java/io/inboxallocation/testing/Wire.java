package io.inboxallocation.testing;

import io.vertx.core.MultiMap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A blocking HTTP/1.1 client with a hard per-request timeout (java.net.http, independent of any Vert.x instance), for
 * tests that drive a service from many plain threads or must never hang on it. A timeout or a broken connection is
 * answered as status 0 (body: the reason) instead of an exception, so load loops can count it.
 */
public final class Wire {

  public static final int NO_ANSWER = 0;

  private final HttpClient client;
  private final String base;
  private final Duration timeout;

  public Wire(int port, Duration timeout) {
    this("127.0.0.1", port, timeout);
  }

  public Wire(String host, int port, Duration timeout) {
    this.client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "wire-client");
        thread.setDaemon(true);
        return thread;
      }))
      .build();
    this.base = "http://" + host + ":" + port;
    this.timeout = timeout;
  }

  public Http.Response get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  public Http.Response post(String path, String token, String json) {
    return send("POST", path, token, "application/json", json == null ? "{}" : json);
  }

  /** Any method, path (already encoded), content type (null: none) and body (null: none). */
  public Http.Response send(String method, String path, String token, String contentType, String body) {
    return send(method, path, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token), contentType,
      body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  public Http.Response send(String method, String path, Map<String, String> headers, String contentType, byte[] body) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid URI path: " + path, e);
    }
    headers.forEach(request::header);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      MultiMap map = MultiMap.caseInsensitiveMultiMap();
      response.headers().map().forEach((name, values) -> values.forEach(value -> map.add(name, value)));
      return new Http.Response(response.statusCode(), map, response.body() == null ? "" : response.body());
    } catch (HttpTimeoutException e) {
      return new Http.Response(NO_ANSWER, MultiMap.caseInsensitiveMultiMap(), "timeout after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new Http.Response(NO_ANSWER, MultiMap.caseInsensitiveMultiMap(), "I/O: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Http.Response(NO_ANSWER, MultiMap.caseInsensitiveMultiMap(), "interrupted");
    }
  }

  /** Headers helper: name/value pairs. */
  public static Map<String, String> headers(String... nameValues) {
    java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      map.put(nameValues[i], nameValues[i + 1]);
    }
    return map;
  }
}
