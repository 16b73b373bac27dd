package io.inboxallocation.bus;

import io.inboxallocation.db.Database;
import io.vertx.sqlclient.Pool;

/**
 * A verticle that changes state. It writes through the {@link Pool}: transactions need a connection of their own, and
 * every commit waits for its WAL flush, so only many connections let PostgreSQL flush many commits at once.
 */
public abstract class CommandVerticle extends BusVerticle {

  protected final Pool pool;

  protected CommandVerticle(Database.Clients db) {
    this.pool = db.pool();
  }
}
