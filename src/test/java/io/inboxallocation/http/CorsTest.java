package io.inboxallocation.http;

import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS for browser agent UIs: only the origins in CORS_ALLOWED_ORIGINS, preflights answered, the useful headers exposed. */
@ExtendWith(VertxExtension.class)
class CorsTest {

  static final String ALLOWED = "https://agents.example.com";

  private static TestService app;

  @BeforeAll
  static void start(Vertx vertx) {
    app = TestService.start(vertx, Map.of("CORS_ALLOWED_ORIGINS", ALLOWED + ", https://console.example.com"));
  }

  @AfterAll
  static void drop() {
    app.dropDatabase();
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredBeforeAuthentication() {
    Http.Response preflight = app.http.raw(HttpMethod.OPTIONS, "/conversations", MultiMap.caseInsensitiveMultiMap()
      .add("Origin", ALLOWED).add("Access-Control-Request-Method", "GET")
      .add("Access-Control-Request-Headers", "authorization, if-none-match"), null);
    assertTrue(preflight.status() == 200 || preflight.status() == 204, preflight::toString);
    assertEquals(ALLOWED, preflight.headers().get("Access-Control-Allow-Origin"));
    String allowedHeaders = preflight.headers().get("Access-Control-Allow-Headers").toLowerCase();
    assertTrue(allowedHeaders.contains("authorization") && allowedHeaders.contains("if-none-match"), allowedHeaders);
    assertTrue(preflight.headers().get("Access-Control-Allow-Methods").contains("PATCH"), preflight::toString);
  }

  @Test
  void answersToAnAllowedOriginExposeTagsRequestIdsAndReplays() {
    Scenario s = Tenants.create(app);
    Http.Response answer = app.http.raw(HttpMethod.GET, "/inboxes", MultiMap.caseInsensitiveMultiMap()
      .add("Origin", ALLOWED).add("Authorization", "Bearer " + s.admin), null);
    assertEquals(200, answer.status(), answer::toString);
    assertEquals(ALLOWED, answer.headers().get("Access-Control-Allow-Origin"));
    String exposed = answer.headers().get("Access-Control-Expose-Headers").toLowerCase();
    for (String header : new String[] {"etag", "x-request-id", "idempotency-replayed"}) {
      assertTrue(exposed.contains(header), exposed);
    }
  }

  @Test
  void anotherOriginGetsNoCorsHeaders() {
    Http.Response preflight = app.http.raw(HttpMethod.OPTIONS, "/conversations", MultiMap.caseInsensitiveMultiMap()
      .add("Origin", "https://evil.example.com").add("Access-Control-Request-Method", "GET"), null);
    assertNull(preflight.headers().get("Access-Control-Allow-Origin"), preflight::toString);
    assertTrue(preflight.status() >= 400 && preflight.status() < 500, preflight::toString);
  }
}
