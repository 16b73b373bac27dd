package io.inboxallocation.testing;

import io.inboxallocation.Service;
import io.inboxallocation.auth.Role;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The real service on a random port against a database of its own on the local PostgreSQL (PGHOST... as usual),
 * created for the test class and dropped afterwards, so runs never see each other's data.
 */
public final class TestService {

  public final Vertx vertx;
  public final AppConfig config;
  public final Http http;
  /** The node's management port: metrics and probes. */
  public final Http management;
  private final JWTAuth jwt;

  private TestService(Vertx vertx, AppConfig config, Service service) {
    this.vertx = vertx;
    this.config = config;
    this.jwt = Tokens.auth(vertx, config.jwtSecret());
    this.http = new Http(vertx, service.port());
    this.management = new Http(vertx, service.managementPort());
  }

  public static TestService start(Vertx vertx) {
    return start(vertx, Map.of());
  }

  /** {@code overrides} are environment variables laid over the real environment (e.g. GRACE_SWEEP_INTERVAL_MS). */
  public static TestService start(Vertx vertx, Map<String, String> overrides) {
    Map<String, String> env = new java.util.HashMap<>(TestDatabase.environment());
    env.putIfAbsent("JWT_SECRET", "test-secret-0123456789abcdef0123456789abcdef");
    // Several nodes run in one JVM: each takes a free management port.
    env.put("MANAGEMENT_PORT", "0");
    env.putAll(overrides);
    String database = "ia_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    AppConfig config = AppConfig.from(env).withDatabase(database).withHttpPort(0);
    try {
      Database.migrate(config);
    } catch (Database.StartupException e) {
      throw new IllegalStateException(e.getMessage());
    }
    return new TestService(vertx, config, Service.start(vertx, config).await());
  }

  public String token(Role role, UUID tenantId, String subject) {
    return Tokens.mint(jwt, subject, role, tenantId == null ? null : tenantId.toString(), 3600);
  }

  public String platformToken() {
    return token(Role.PLATFORM_ADMIN, null, "platform");
  }

  public JWTAuth jwt() {
    return jwt;
  }

  /** Drops this test class's database (terminating the service's connections). */
  public void dropDatabase() {
    PgConnectOptions db = config.database();
    try (Connection admin = DriverManager.getConnection(Database.jdbcUrl(config, "postgres"), db.getUser(), db.getPassword());
         Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS \"" + db.getDatabase() + "\" WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + db.getDatabase(), e);
    }
  }

  /** A JDBC connection to this test's database, for asserting on stored state. */
  public Connection jdbc() throws SQLException {
    PgConnectOptions db = config.database();
    return DriverManager.getConnection(Database.jdbcUrl(config, db.getDatabase()), db.getUser(), db.getPassword());
  }
}
