package io.inboxallocation.config;

import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything the service reads from its environment, with the defaults a local run needs.
 * Database settings use libpq's names (PGHOST, PGPORT, ...) so `psql` and the service agree; DATABASE_URL wins when set.
 */
public record AppConfig(PgConnectOptions database, int httpPort, String jwtSecret, boolean jwtSecretIsDefault,
                        int poolSize, Duration graceSweepInterval, Duration requestTimeout, int httpInstances,
                        FeedSettings feed, Duration pushSweepInterval, List<String> corsAllowedOrigins,
                        Map<String, String> databaseParameters, Duration shutdownTimeout, Management management,
                        Webhooks webhooks, OrchestratorSettings orchestrator) {

  /**
   * Webhook deliveries: how long a receiver has to answer (WEBHOOK_TIMEOUT_MS), the waits between attempts
   * (WEBHOOK_RETRY_SCHEDULE), whether endpoints may be on private networks (WEBHOOK_ALLOW_PRIVATE_NETWORKS), how
   * often each node looks for due retries when nothing woke it (WEBHOOK_POLL_INTERVAL_MS), and the API requests in
   * flight on a node above which its deliveries slow down for them (WEBHOOK_YIELD_ABOVE_REQUESTS, by default
   * DB_POOL_SIZE: more requests than connections wait for the database; 0: never).
   */
  public record Webhooks(Duration timeout, List<Duration> retrySchedule, boolean allowPrivateNetworks,
                         Duration pollInterval, int yieldAboveRequests) {
  }

  /**
   * The management port (MANAGEMENT_PORT; 0 picks a free one) with metrics and probes, and how often the queue's
   * metrics are read (QUEUE_METRICS_INTERVAL_MS).
   */
  public record Management(int port, Duration queueMetricsInterval) {
  }

  /**
   * The event feed: how often each node's relay looks for new events when nothing woke it (FEED_POLL_INTERVAL_MS), how
   * long events are kept (EVENT_RETENTION, ISO-8601, e.g. P90D) and how often old ones are deleted
   * (EVENT_PURGE_INTERVAL_MS).
   */
  public record FeedSettings(Duration pollInterval, Duration retention, Duration purgeInterval) {
  }

  /**
   * The orchestrator that holds the messages: its base URL (ORCHESTRATOR_URL; null when unset, and history and contact
   * then answer 503), the bearer token sent to it (ORCHESTRATOR_TOKEN), how long one call may take
   * (ORCHESTRATOR_TIMEOUT_MS), how long a contact is cached (CONTACT_CACHE_SECONDS; zero: not at all) and how long the
   * circuit breaker stays open before it lets a trial call through (ORCHESTRATOR_BREAKER_OPEN_MS).
   */
  public record OrchestratorSettings(String url, String token, Duration timeout, Duration contactCacheTtl,
                                     Duration breakerOpen) {
  }

  /** Only for local runs; the log warns while it is in use. */
  public static final String DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef";

  public static AppConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static AppConfig from(Map<String, String> env) {
    String secret = env.get("JWT_SECRET");
    boolean defaultSecret = secret == null || secret.isBlank();
    String url = env.get("DATABASE_URL");
    DatabaseUrl databaseUrl = url == null || url.isBlank() ? null : DatabaseUrl.parse(url);
    return new AppConfig(
      databaseUrl != null ? databaseUrl.connect() : database(env),
      intSetting(env, "HTTP_PORT", 8080),
      defaultSecret ? DEV_JWT_SECRET : secret,
      defaultSecret,
      intSetting(env, "DB_POOL_SIZE", 16),
      Duration.ofMillis(intSetting(env, "GRACE_SWEEP_INTERVAL_MS", 500)),
      Duration.ofMillis(intSetting(env, "REQUEST_TIMEOUT_MS", 10_000)),
      intSetting(env, "HTTP_INSTANCES", Runtime.getRuntime().availableProcessors()),
      new FeedSettings(Duration.ofMillis(intSetting(env, "FEED_POLL_INTERVAL_MS", 100)),
        durationSetting(env, "EVENT_RETENTION", Duration.ofDays(90)),
        Duration.ofMillis(intSetting(env, "EVENT_PURGE_INTERVAL_MS", 60_000))),
      Duration.ofMillis(intSetting(env, "PUSH_SWEEP_INTERVAL_MS", 2_000)),
      listSetting(env, "CORS_ALLOWED_ORIGINS"),
      databaseUrl != null ? databaseUrl.parameters() : Map.of(),
      Duration.ofMillis(intSetting(env, "SHUTDOWN_TIMEOUT_MS", 10_000)),
      new Management(intSetting(env, "MANAGEMENT_PORT", 9000),
        Duration.ofMillis(intSetting(env, "QUEUE_METRICS_INTERVAL_MS", 5_000))),
      new Webhooks(Duration.ofMillis(intSetting(env, "WEBHOOK_TIMEOUT_MS", 15_000)),
        RetrySchedule.parse("WEBHOOK_RETRY_SCHEDULE",
          env.getOrDefault("WEBHOOK_RETRY_SCHEDULE", "5s,5m,30m,2h,5h,10h,14h,20h,24h")),
        Boolean.parseBoolean(env.getOrDefault("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "false").trim()),
        Duration.ofMillis(intSetting(env, "WEBHOOK_POLL_INTERVAL_MS", 500)),
        intSetting(env, "WEBHOOK_YIELD_ABOVE_REQUESTS", intSetting(env, "DB_POOL_SIZE", 16))),
      new OrchestratorSettings(urlSetting(env, "ORCHESTRATOR_URL"), env.get("ORCHESTRATOR_TOKEN"),
        Duration.ofMillis(intSetting(env, "ORCHESTRATOR_TIMEOUT_MS", 2_000)),
        Duration.ofSeconds(intSetting(env, "CONTACT_CACHE_SECONDS", 60)),
        Duration.ofMillis(intSetting(env, "ORCHESTRATOR_BREAKER_OPEN_MS", 10_000))));
  }

  public AppConfig withDatabase(String name) {
    return new AppConfig(new PgConnectOptions(database).setDatabase(name), httpPort, jwtSecret, jwtSecretIsDefault,
      poolSize, graceSweepInterval, requestTimeout, httpInstances, feed, pushSweepInterval, corsAllowedOrigins,
      databaseParameters, shutdownTimeout, management, webhooks,
      orchestrator);
  }

  public AppConfig withHttpPort(int port) {
    return new AppConfig(database, port, jwtSecret, jwtSecretIsDefault, poolSize, graceSweepInterval, requestTimeout,
      httpInstances, feed, pushSweepInterval, corsAllowedOrigins, databaseParameters, shutdownTimeout, management,
      webhooks, orchestrator);
  }

  /** The libpq variables (PGHOST ...), when DATABASE_URL is not set. */
  private static PgConnectOptions database(Map<String, String> env) {
    PgConnectOptions options = new PgConnectOptions()
      .setHost(env.getOrDefault("PGHOST", "127.0.0.1"))
      .setPort(intSetting(env, "PGPORT", 5432))
      .setDatabase(env.getOrDefault("PGDATABASE", "inbox_allocation"))
      .setUser(env.getOrDefault("PGUSER", "postgres"));
    String password = env.get("PGPASSWORD");
    if (password != null) {
      options.setPassword(password);
    }
    return options;
  }

  private static Duration durationSetting(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      Duration duration = Duration.parse(value.trim());
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got '" + value + "'");
      }
      return duration;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as P90D or PT1H, got '" + value + "'");
    }
  }

  /** An absolute http(s) URL without its trailing slash; null when unset. */
  private static String urlSetting(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    String url = value.trim().replaceAll("/+$", "");
    try {
      URI uri = new URI(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw new IllegalArgumentException(name + " must be an absolute http or https URL, got '" + value + "'");
  }

  /** A comma-separated list; empty when unset. */
  private static List<String> listSetting(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
  }

  private static int intSetting(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }
}
