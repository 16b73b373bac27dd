package io.inboxallocation.http;

import io.inboxallocation.timer.PeriodicVerticle;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Duration;

/** Deletes Idempotency-Key answers older than 24 h, once a minute; one per node (every node may, it is one DELETE). */
public final class IdempotencyPurge extends PeriodicVerticle {

  private static final String PURGE = "DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours'";

  private final Pool pool;

  public IdempotencyPurge(Pool pool) {
    super(Duration.ofMinutes(1));
    this.pool = pool;
  }

  @Override
  protected Future<Boolean> run() {
    return pool.query(PURGE).execute().map(purged -> false);
  }
}
