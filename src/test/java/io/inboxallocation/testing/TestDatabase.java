package io.inboxallocation.testing;

import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the tests create their databases: the PostgreSQL the environment names (PGHOST, PGPORT... or DATABASE_URL;
 * by default 127.0.0.1:5432) when it answers; else, when a Docker engine is available, one PostgreSQL 15 container for
 * the whole run (Testcontainers, stopped with the JVM); else the run stops with one message saying what to start.
 */
public final class TestDatabase {

  /** Where the databases live. */
  enum Source { CONFIGURED, CONTAINER }

  static final String NOTHING_TO_TEST_ON = "no PostgreSQL to test on: the configured one (PGHOST/PGPORT, default"
    + " 127.0.0.1:5432) does not answer and no Docker engine is available. Start PostgreSQL 15 (see the README's"
    + " Quick start) or Docker.";

  private static Map<String, String> environment;

  private TestDatabase() {
  }

  /** The choice itself, apart from how each fact is found out. */
  static Source choose(boolean configuredAnswers, boolean dockerAvailable) {
    if (configuredAnswers) {
      return Source.CONFIGURED;
    }
    if (dockerAvailable) {
      return Source.CONTAINER;
    }
    throw new IllegalStateException(NOTHING_TO_TEST_ON);
  }

  /** The environment of the tests, pointed at the chosen server (checked, and the container started, once). */
  public static synchronized Map<String, String> environment() {
    if (environment == null) {
      Map<String, String> env = new HashMap<>(System.getenv());
      boolean configured = answers(AppConfig.from(env));
      // Docker is only asked about when the configured server does not answer.
      boolean docker = !configured && DockerClientFactory.instance().isDockerAvailable();
      if (choose(configured, docker) == Source.CONTAINER) {
        env.putAll(container());
      }
      environment = Map.copyOf(env);
    }
    return environment;
  }

  static boolean answers(AppConfig config) {
    try (Connection ignored = DriverManager.getConnection(Database.jdbcUrl(config, "postgres"),
      config.database().getUser(), config.database().getPassword())) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @SuppressWarnings("resource") // stopped with the JVM by Testcontainers
  private static Map<String, String> container() {
    PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:15")
      .withUsername("postgres").withPassword("postgres")
      .withCommand("postgres", "-c", "shared_preload_libraries=pg_stat_statements", "-c", "max_connections=300");
    postgres.start();
    return Map.of("DATABASE_URL", "", "PGHOST", postgres.getHost(),
      "PGPORT", String.valueOf(postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)),
      "PGUSER", "postgres", "PGPASSWORD", "postgres");
  }
}
