package io.inboxallocation.bus;

import io.inboxallocation.db.Database;
import io.vertx.sqlclient.SqlClient;

/** A verticle that only reads: through the pipelined client, many statements in flight on few connections. */
public abstract class QueryVerticle extends BusVerticle {

  protected final SqlClient client;

  protected QueryVerticle(Database.Clients db) {
    this.client = db.pipelined();
  }
}
