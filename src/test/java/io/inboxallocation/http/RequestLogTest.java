package io.inboxallocation.http;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.ServiceProcess;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request ids (echoed, in problem bodies) and the access log, read as JSON from a service process with LOG_FORMAT=json. */
class RequestLogTest extends ServiceTest {

  @Test
  void aSaneRequestIdIsEchoedAndRepeatedInProblemsAndAnInsaneOneIsReplaced() {
    Http.Response ok = http.raw(HttpMethod.GET, "/health/live", headers("trace-42.abc"), null);
    assertEquals("trace-42.abc", ok.headers().get("X-Request-Id"));

    Http.Response problem = http.raw(HttpMethod.GET, "/conversations/" + UUID.randomUUID(), headers("trace-43")
      .add("Authorization", "Bearer " + newTenant().admin), null);
    assertEquals(404, problem.status(), problem::toString);
    assertEquals("trace-43", problem.headers().get("X-Request-Id"));
    assertEquals("trace-43", problem.json().getString("requestId"));

    for (String insane : List.of("has space", "x".repeat(129), "caf\u00e9")) {
      Http.Response replaced = http.raw(HttpMethod.GET, "/health/live", headers(insane), null);
      String id = replaced.headers().get("X-Request-Id");
      assertNotEquals(insane, id);
      assertEquals(id, UUID.fromString(id).toString(), "a new id: " + id);
    }
    String generated = http.get("/health/live", null).headers().get("X-Request-Id");
    assertEquals(generated, UUID.fromString(generated).toString());
  }

  @Test
  void withLogFormatJsonEveryRequestIsOneJsonAccessLine() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(app.vertx, app, Map.of("LOG_FORMAT", "json"))) {
      assertEquals(200, service.http.raw(HttpMethod.GET, "/health/live", headers("json-log-7"), null).status());
      JsonObject access = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (access == null && System.nanoTime() < until) {
        for (String line : service.lines) {
          JsonObject json = parse(line);
          if (json != null && "json-log-7".equals(json.getString("requestId"))) {
            access = json;
          }
        }
        Thread.sleep(50);
      }
      assertTrue(access != null, "no access line with the request id: " + service.lines);
      assertEquals("GET", access.getString("method"));
      assertEquals("/health/live", access.getString("route"));
      assertEquals(200, access.getInteger("status"), access::encode);
      assertTrue(access.getValue("latencyMs") instanceof Number, access::encode);
      assertEquals("access", access.getString("logger_name"));
      List<String> notJson = new ArrayList<>();
      for (String line : service.lines) {
        if (parse(line) == null) {
          notJson.add(line);
        }
      }
      assertEquals(List.of(), notJson, "every line is a JSON object");
    }
  }

  private static MultiMap headers(String requestId) {
    return MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", requestId);
  }

  private static JsonObject parse(String line) {
    try {
      return line.startsWith("{") ? new JsonObject(line) : null;
    } catch (DecodeException e) {
      return null;
    }
  }
}
