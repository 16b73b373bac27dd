package io.inboxallocation.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many API requests this node's command and query verticles are serving at this moment: the load of the request
 * path, which background work gives way to ({@code WebhookDispatcher}). A request counts while its bus request is
 * answered, not while it waits for anything else (a long poll's wait, a conditional poll answered from the cache).
 */
public final class RequestLoad {

  private final AtomicInteger inFlight = new AtomicInteger();

  /** Asks, counting the request in flight until it is answered. */
  public <R> Future<R> ask(Vertx vertx, Request<R> request) {
    inFlight.incrementAndGet();
    return Bus.ask(vertx, request).andThen(answered -> inFlight.decrementAndGet());
  }

  public int inFlight() {
    return inFlight.get();
  }
}
