package io.inboxallocation.http;

import io.inboxallocation.db.Database;
import io.inboxallocation.feed.Feed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Tuple;

import java.util.concurrent.atomic.AtomicBoolean;

/** The health endpoints, served on the main port and on the management port alike. */
public final class Probes {

  private final Vertx vertx;
  private final Database.Clients db;
  private final Feed feed;
  private final AtomicBoolean draining;

  public Probes(Vertx vertx, Database.Clients db, Feed feed, AtomicBoolean draining) {
    this.vertx = vertx;
    this.db = db;
    this.feed = feed;
    this.draining = draining;
  }

  /** {@code /health}: the database answers (kept as it was before the probes below existed). */
  public HealthCheckHandler database() {
    return HealthCheckHandler.create(vertx).register("database", 2_000, promise -> db.pipelined().query("SELECT 1").execute()
      .onComplete(ok -> promise.complete(Status.OK()), failure -> promise.complete(Status.KO())));
  }

  /** Liveness: the process answers on its event loop. Nothing outside it is checked, so an outage restarts nothing. */
  public HealthCheckHandler live() {
    return HealthCheckHandler.create(vertx).register("process", promise -> promise.complete(Status.OK()));
  }

  /**
   * Readiness: the node is not shutting down, the database answers with this code's schema, and this node's relay is
   * following the event feed.
   */
  public HealthCheckHandler ready() {
    return HealthCheckHandler.create(vertx)
      .register("accepting", promise -> promise.complete(draining.get() ? Status.KO() : Status.OK()))
      .register("database", 2_000, promise -> db.pipelined().preparedQuery(Database.SCHEMA_APPLIED)
        .execute(Tuple.of(String.valueOf(Database.SCHEMA_VERSION)))
        .onComplete(rows -> promise.complete(rows.iterator().next().getBoolean("applied") ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "schema older than version " + Database.SCHEMA_VERSION))),
          failure -> promise.complete(Status.KO())))
      .register("eventFeed", promise -> promise.complete(
        feed.following(System.currentTimeMillis()) ? Status.OK() : Status.KO()));
  }
}
