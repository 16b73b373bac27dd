package io.inboxallocation.status;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.feed.FeedRelay;
import io.inboxallocation.lifecycle.Lifecycle;
import io.inboxallocation.status.StatusMessages.ProcessGrace;
import io.inboxallocation.timer.PeriodicVerticle;
import io.vertx.core.Future;

import java.time.Duration;

/**
 * Runs grace expiry on a timer, on every node: SKIP LOCKED in the expiry statement makes that safe, and the state is
 * in the table, so a restart loses nothing. A tick is skipped while the previous run is still going; a full batch
 * runs again at once, so a backlog drains without waiting for the next tick.
 */
public final class GraceSweeper extends PeriodicVerticle {

  public GraceSweeper(Duration interval) {
    super(interval);
  }

  /** A full batch means more may be due at once. */
  @Override
  protected Future<Boolean> run() {
    return Bus.ask(vertx, new ProcessGrace(null)).map(run -> {
      if (run.requeued() > 0) {
        // Like a write through the API: the relay reads the releases back at once rather than on its next tick.
        Bus.publish(vertx, FeedRelay.Poke.NOW);
      }
      return run.processed() >= Lifecycle.GraceRun.BATCH;
    });
  }
}
