package io.inboxallocation.testing;

import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.MultiMap;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service as its own process ({@code io.inboxallocation.Main}, this test run's class path) on a database of its
 * own: what only a real process shows, its output and how it answers signals.
 */
public final class ServiceProcess implements AutoCloseable {

  public final Process process;
  public final Http http;
  /** Its management port: metrics and probes. */
  public final Http management;
  /** Everything it printed (stdout and stderr), line by line. */
  public final List<String> lines = new CopyOnWriteArrayList<>();
  private final String database;
  private final AppConfig server;

  private ServiceProcess(Process process, Http http, Http management, String database, AppConfig server) {
    this.process = process;
    this.http = http;
    this.management = management;
    this.database = database;
    this.server = server;
  }

  /** Starts it with these environment variables (and a port, a database, the test service's JWT secret), ready. */
  public static ServiceProcess start(Vertx vertx, TestService app, Map<String, String> env) throws Exception {
    ServiceProcess service = launch(vertx, app, env);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!service.ready()) {
      assertTrue(System.nanoTime() < deadline && service.process.isAlive(), () -> "not ready: " + service.lines);
      Thread.sleep(100);
    }
    return service;
  }

  /** Starts it as {@link #start} does, without waiting for it to be ready. */
  public static ServiceProcess launch(Vertx vertx, TestService app, Map<String, String> env) throws Exception {
    String database = "ia_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    int port = freePort();
    int managementPort = freePort();
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
      System.getProperty("java.class.path"), "io.inboxallocation.Main").redirectErrorStream(true);
    builder.environment().putAll(TestDatabase.environment());
    builder.environment().remove("DATABASE_URL");
    builder.environment().put("HTTP_PORT", String.valueOf(port));
    builder.environment().put("MANAGEMENT_PORT", String.valueOf(managementPort));
    builder.environment().put("PGDATABASE", database);
    builder.environment().put("JWT_SECRET", app.config.jwtSecret());
    builder.environment().putAll(env);
    ServiceProcess service = new ServiceProcess(builder.start(), new Http(vertx, port), new Http(vertx, managementPort),
      database, app.config);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
        new InputStreamReader(service.process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          service.lines.add(line);
        }
      } catch (Exception ended) {
        // the process is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    return service;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private boolean ready() {
    try {
      return http.raw(HttpMethod.GET, "/health/ready", MultiMap.caseInsensitiveMultiMap(), null).status() == 200;
    } catch (Exception notListening) {
      return false;
    }
  }

  /** Stops it if it still runs, and drops its database. */
  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(15, TimeUnit.SECONDS);
    }
    try (Connection admin = DriverManager.getConnection(Database.jdbcUrl(server, "postgres"),
      server.database().getUser(), server.database().getPassword());
         Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
}
