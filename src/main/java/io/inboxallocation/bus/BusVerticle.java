package io.inboxallocation.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.inboxallocation.db.Database;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;

import java.util.function.Function;

/**
 * A command or query verticle: serves its event-bus addresses. Commands write through {@link #pool}: every commit
 * waits for its WAL flush, and only many connections let PostgreSQL flush many commits at once. Queries read through
 * the pipelined {@link #client}.
 */
public abstract class BusVerticle extends VerticleBase {

  protected final Pool pool;
  protected final SqlClient client;

  protected BusVerticle(Database.Clients db) {
    this.pool = db.pool();
    this.client = db.pipelined();
  }

  @Override
  public final Future<?> start() {
    serve();
    return Future.succeededFuture();
  }

  /** Registers the verticle's addresses with {@link #on}. */
  protected abstract void serve();

  protected <T> void on(String address, Function<T, Future<?>> handler) {
    Bus.serve(vertx, address, handler);
  }
}
