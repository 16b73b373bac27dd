package io.inboxallocation.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Deletes Idempotency-Key answers older than 24 h, once a minute; one per node (every node may, it is one DELETE). */
public final class IdempotencyPurge extends VerticleBase {

  private static final String PURGE = "DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours'";

  private final Pool pool;

  public IdempotencyPurge(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(60_000, tick -> pool.query(PURGE).execute());
    return Future.succeededFuture();
  }
}
