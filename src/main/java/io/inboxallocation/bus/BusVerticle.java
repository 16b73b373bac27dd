package io.inboxallocation.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.function.Function;

/** A verticle that serves requests of the bus: see {@link CommandVerticle} and {@link QueryVerticle}. */
abstract class BusVerticle extends VerticleBase {

  @Override
  public final Future<?> start() {
    serve();
    return Future.succeededFuture();
  }

  /** Registers the verticle's request types with {@link #on}. */
  protected abstract void serve();

  protected <Q extends Request<R>, R> void on(Class<Q> type, Function<Q, Future<R>> handler) {
    Bus.serve(vertx, type, handler);
  }
}
