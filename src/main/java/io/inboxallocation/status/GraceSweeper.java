package io.inboxallocation.status;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.lifecycle.Lifecycle;
import io.inboxallocation.status.StatusMessages.ProcessGrace;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Runs grace expiry on a timer, on every node: SKIP LOCKED in the expiry statement makes that safe, and the state is
 * in the table, so a restart loses nothing. A tick is skipped while the previous run is still going; a full batch
 * runs again at once, so a backlog drains without waiting for the next tick.
 */
public final class GraceSweeper extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GraceSweeper.class);

  private final Duration interval;
  private boolean running;

  public GraceSweeper(Duration interval) {
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(interval.toMillis(), tick -> {
      if (!running) {
        running = true;
        sweep();
      }
    });
    return Future.succeededFuture();
  }

  private void sweep() {
    Bus.ask(vertx, new ProcessGrace(null)).onComplete(
      run -> {
        if (run.processed() >= Lifecycle.GraceRun.BATCH) {
          sweep();
        } else {
          running = false;
        }
      },
      failure -> {
        running = false;
        LOG.warn("grace expiry failed, retrying on the next tick: {}", failure.getMessage());
      });
  }
}
