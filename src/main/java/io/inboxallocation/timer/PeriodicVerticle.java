package io.inboxallocation.timer;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Background work on a timer, on every node: one run at a time (a tick while the last run is still going is skipped),
 * and a run that says there is more to do runs again at once, so a backlog drains without waiting for the next tick.
 * A failed run is logged and retried on the next tick.
 */
public abstract class PeriodicVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PeriodicVerticle.class);

  private final Duration interval;
  private boolean running;

  protected PeriodicVerticle(Duration interval) {
    this.interval = interval;
  }

  /** One run; true when there is more to do right away. */
  protected abstract Future<Boolean> run();

  @Override
  public final Future<?> start() {
    vertx.setPeriodic(interval.toMillis(), tick -> {
      if (!running) {
        running = true;
        runUntilDone();
      }
    });
    return Future.succeededFuture();
  }

  private void runUntilDone() {
    run().onComplete(
      more -> {
        if (more) {
          runUntilDone();
        } else {
          running = false;
        }
      },
      failure -> {
        running = false;
        LOG.warn("{} failed, retrying on the next tick: {}", getClass().getSimpleName(), failure.getMessage());
      });
  }
}
