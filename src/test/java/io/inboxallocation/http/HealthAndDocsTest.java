package io.inboxallocation.http;

import io.inboxallocation.db.Database;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unauthenticated endpoints: /health and its probes, the contract at /openapi.yaml, and Swagger UI at /api/. */
class HealthAndDocsTest extends ServiceTest {

  @Test
  void healthIsUpWithoutAToken() {
    Http.Response health = get("/health");
    assertEquals(200, health.status(), health::toString);
    assertTrue(health.contentType().startsWith("application/json"), health.contentType());
    assertEquals("UP", health.json().getString("status"), health::toString);
  }

  @Test
  void theLivenessAndReadinessProbesAreUpWithoutAToken() {
    for (String probe : new String[] {"/health/live", "/health/ready"}) {
      Http.Response answer = get(probe);
      assertEquals(200, answer.status(), answer::toString);
      assertEquals("UP", answer.json().getString("status"), answer::toString);
    }
  }

  @Test
  void readinessNamesTheNewestMigration() throws Exception {
    try (Stream<Path> scripts = Files.list(Path.of("src/main/resources/db/migration"))) {
      int newest = scripts.map(path -> path.getFileName().toString())
        .filter(name -> name.matches("V[0-9]+__.*\\.sql"))
        .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
        .max().orElseThrow();
      assertEquals(newest, Database.SCHEMA_VERSION, "Database.SCHEMA_VERSION follows the newest migration");
    }
  }

  @Test
  void contractIsServed() throws Exception {
    Http.Response contract = get("/openapi.yaml");
    assertEquals(200, contract.status(), contract::toString);
    assertTrue(contract.body().startsWith("openapi:"), () -> contract.body().substring(0, 80));
    assertEquals(Files.readString(Path.of("openapi.yaml")), contract.body(), "the contract the service runs on");
  }

  @Test
  void swaggerUiIsServedAtApi() {
    Http.Response page = get("/api/");
    assertEquals(200, page.status(), page::toString);
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.body().toLowerCase().contains("swagger"), page.body());
    assertTrue(page.body().contains("swagger-initializer.js"), page.body());
  }

  @Test
  void swaggerUiLoadsOurContract() {
    Http.Response initializer = get("/api/swagger-initializer.js");
    assertEquals(200, initializer.status(), initializer::toString);
    assertTrue(initializer.body().contains("\"/openapi.yaml\""), initializer.body());
    assertTrue(!initializer.body().contains("petstore"), initializer.body());
  }

  @Test
  void swaggerUiAssetsAreServed() {
    Http.Response bundle = get("/api/swagger-ui-bundle.js");
    assertEquals(200, bundle.status(), () -> bundle.status() + "");
    assertTrue(bundle.body().length() > 10_000);
  }

  private static Http.Response get(String path) {
    return http.raw(HttpMethod.GET, path, MultiMap.caseInsensitiveMultiMap(), null);
  }
}
