package io.inboxallocation.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

import java.util.function.Function;

/** A command or query verticle: serves its event-bus addresses with the shared connection pool. */
public abstract class BusVerticle extends VerticleBase {

  protected final Pool pool;

  protected BusVerticle(Pool pool) {
    this.pool = pool;
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
