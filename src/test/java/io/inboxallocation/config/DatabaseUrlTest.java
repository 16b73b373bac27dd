package io.inboxallocation.config;

import io.inboxallocation.db.Database;
import io.inboxallocation.testing.TestDatabase;
import io.inboxallocation.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DATABASE_URL is read whole: its query parameters reach the Vert.x client and JDBC (Flyway) alike. */
class DatabaseUrlTest {

  @Test
  void everyPartOfTheUrlIsKept() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://app:s%40cret@db.example.com:6543/inbox"
      + "?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fca.pem&application_name=inbox-allocation");
    PgConnectOptions connect = url.connect();
    assertEquals("db.example.com", connect.getHost());
    assertEquals(6543, connect.getPort());
    assertEquals("inbox", connect.getDatabase());
    assertEquals("app", connect.getUser());
    assertEquals("s@cret", connect.getPassword());
    assertEquals(SslMode.VERIFY_FULL, connect.getSslMode());
    assertEquals("/etc/ssl/ca.pem", ((PemTrustOptions) connect.getSslOptions().getTrustOptions()).getCertPaths().get(0));
    assertEquals(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ssl/ca.pem", "application_name", "inbox-allocation"),
      url.parameters());

    AppConfig config = AppConfig.from(Map.of("DATABASE_URL", "postgres://app@db.example.com:6543/inbox"
      + "?sslmode=require&sslrootcert=/etc/ssl/ca.pem"));
    String jdbc = Database.jdbcUrl(config, "inbox");
    assertTrue(jdbc.startsWith("jdbc:postgresql://db.example.com:6543/inbox?"), jdbc);
    assertTrue(jdbc.contains("sslmode=require") && jdbc.contains("sslrootcert=%2Fetc%2Fssl%2Fca.pem")
      && jdbc.contains("connectTimeout=5"), jdbc);
    assertEquals("jdbc:postgresql://h:1/d?connectTimeout=5",
      Database.jdbcUrl(AppConfig.from(Map.of("PGHOST", "h", "PGPORT", "1")), "d"), "the PG* variables: no extra parameters");
  }

  @Test
  void migrationsHonourTheUrlsTlsMode() {
    String database = "ia_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    PgConnectOptions server = AppConfig.from(TestDatabase.environment()).database();
    String base = "postgresql://" + server.getUser() + (server.getPassword() == null ? "" : ":" + server.getPassword())
      + "@" + server.getHost() + ":" + server.getPort() + "/";
    // The local server has no TLS: sslmode=require must make the migration refuse to connect, not run unencrypted.
    AppConfig required = AppConfig.from(Map.of("DATABASE_URL",
      base + database + "?sslmode=require"));
    Database.StartupException refused = assertThrows(Database.StartupException.class, () -> Database.migrate(required));
    assertTrue(refused.getMessage().toLowerCase().contains("ssl"), refused::getMessage);

    Vertx vertx = Vertx.vertx();
    TestService app = TestService.start(vertx, Map.of("DATABASE_URL", base + "postgres?sslmode=disable"));
    try {
      assertEquals(200, app.http.get("/health/ready", null).status(), "migrated and ready with the URL's parameters");
    } finally {
      vertx.close().await();
      app.dropDatabase();
    }
  }
}
