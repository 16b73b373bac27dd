package io.inboxallocation.db;

import io.inboxallocation.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The connection pool and the schema. Flyway speaks JDBC, so migrations run once, blocking, before the verticles start. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final String DATABASE_MISSING = "3D000";

  /**
   * The newest migration this code needs (the highest {@code V<n>__} of {@code db/migration}; a test keeps the two
   * equal). A node whose database is behind it is not ready.
   */
  public static final int SCHEMA_VERSION = 11;

  /** Whether migration {@link #SCHEMA_VERSION} has been applied: one row, $1 the version as Flyway writes it. */
  public static final String SCHEMA_APPLIED =
    "SELECT EXISTS (SELECT 1 FROM flyway_schema_history WHERE version = $1 AND success) AS applied";

  private Database() {
  }

  /**
   * The two ways to reach PostgreSQL: a pool for writes, and a pipelined client for reads (queries, the authentication
   * lookup), which keeps several statements in flight per connection and so needs far fewer connections, hence fewer
   * PostgreSQL backends competing for the same cores. Writes stay off the pipeline: statements on one connection run
   * one after the other, so each commit would wait for the previous one's WAL flush (no group commit).
   *
   * <p>The webhook dispatcher has a few connections of its own ({@code background}), which the purge of its finished
   * deliveries shares: under a burst of commands it would otherwise queue behind every transaction for each
   * statement. The tables it reads are queues, empty one minute and
   * a backlog of 100,000 the next, so those connections plan every statement afresh ({@code plan_cache_mode}: a plan
   * cached while the table was empty scanned all of it once per taken row later) and with plain index scans only
   * (statistics that say "empty" made a take a sequential scan inside a nested loop: 6 s per statement at 10,000 rows;
   * statistics that said "a few hundred due" made it a bitmap scan that read and sorted all 93,000 due deliveries of a
   * backlog, 100 to 200 ms per take, where the due index in order stops after the 256 it needs: 4 ms). Every statement
   * they run has an index that is right at any size.
   *
   * <p>No connection compiles with JIT: our statements are short, and a cost estimate inflated by
   * {@code enable_seqscan=off} (or a count over a million queued rows) made PostgreSQL spend hundreds of milliseconds
   * compiling a one-row update.
   */
  public record Clients(Pool pool, SqlClient pipelined, Pool background) {

    /** The dispatcher's cycle, its outcome writes, and the purge of finished deliveries (once a minute). */
    static final int BACKGROUND_CONNECTIONS = 3;
  }

  public static Clients clients(Vertx vertx, AppConfig config) {
    // No statement outlives the request that asked for it (a lock wait behind a stuck transaction included).
    PgConnectOptions connect = new PgConnectOptions(config.database())
      .setCachePreparedStatements(true)
      .setPreparedStatementCacheMaxSize(256)
      // The client caches only statements up to 2 KiB by default; ours (the lifecycle's CTEs, conversations rendered
      // as JSON) are longer, and re-planning them on every execution doubled PostgreSQL's CPU per allocation.
      .setPreparedStatementCacheSqlLimit(16 * 1024)
      .setPipeliningLimit(64)
      .addProperty("statement_timeout", String.valueOf(config.requestTimeout().toMillis()))
      .addProperty("application_name", "inbox-allocation")
      .addProperty("jit", "off");
    PoolOptions options = new PoolOptions()
      .setMaxSize(config.poolSize())
      .setMaxWaitQueueSize(2_000)
      .setConnectionTimeout((int) config.requestTimeout().toSeconds())
      .setShared(false);
    // Each with a name of its own, for its pool meters (vertx_pool_*{pool_name}) and SQL client meters
    // (vertx_sql_*{client_namespace}): under the one default name the three were counted as one.
    Pool pool = PgBuilder.pool().with(new PoolOptions(options).setName("writes"))
      .connectingTo(new PgConnectOptions(connect).setMetricsName("writes")).using(vertx).build();
    SqlClient pipelined = PgBuilder.client()
      .with(new PoolOptions(options).setName("reads").setMaxSize(Math.max(2, config.poolSize() / 4)))
      .connectingTo(new PgConnectOptions(connect).setMetricsName("reads")).using(vertx).build();
    Pool background = PgBuilder.pool()
      .with(new PoolOptions(options).setName("background").setMaxSize(Clients.BACKGROUND_CONNECTIONS))
      .connectingTo(new PgConnectOptions(connect).setMetricsName("background").addProperty("enable_seqscan", "off")
        .addProperty("enable_bitmapscan", "off").addProperty("plan_cache_mode", "force_custom_plan"))
      .using(vertx).build();
    return new Clients(pool, pipelined, background);
  }

  /** Creates the database when it does not exist yet (a fresh machine), then applies the migrations. */
  public static void migrate(AppConfig config) throws StartupException {
    PgConnectOptions db = config.database();
    try {
      createIfMissing(config);
      Flyway.configure()
        .dataSource(jdbcUrl(config, db.getDatabase()), db.getUser(), db.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    } catch (SQLException | FlywayException e) {
      throw new StartupException("cannot reach PostgreSQL at " + db.getHost() + ":" + db.getPort() + " as user '"
        + db.getUser() + "', database '" + db.getDatabase() + "' (" + rootMessage(e)
        + "). Set PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or DATABASE_URL.");
    }
  }

  /** The JDBC URL of a database of the configured server, with DATABASE_URL's parameters (TLS included). */
  public static String jdbcUrl(AppConfig config, String database) {
    PgConnectOptions db = config.database();
    Map<String, String> parameters = new LinkedHashMap<>(Map.of("connectTimeout", "5"));
    parameters.putAll(config.databaseParameters());
    return "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + database + "?"
      + parameters.entrySet().stream().map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
      .collect(Collectors.joining("&"));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static void createIfMissing(AppConfig config) throws SQLException {
    PgConnectOptions db = config.database();
    try (Connection ignored = DriverManager.getConnection(jdbcUrl(config, db.getDatabase()), db.getUser(), db.getPassword())) {
      return;
    } catch (SQLException e) {
      if (!DATABASE_MISSING.equals(e.getSQLState())) {
        throw e;
      }
    }
    try (Connection admin = DriverManager.getConnection(jdbcUrl(config, "postgres"), db.getUser(), db.getPassword());
         Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE \"" + db.getDatabase().replace("\"", "\"\"") + "\"");
      LOG.info("created database {}", db.getDatabase());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }

  /** A start-up failure the operator can fix from its message alone: logged as one line, no stack trace. */
  public static final class StartupException extends Exception {
    public StartupException(String message) {
      super(message, null, false, false);
    }
  }
}
