package io.inboxallocation.tenant;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.db.Rows;
import io.inboxallocation.tenant.TenantMessages.GetTenant;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

public final class TenantQueries extends VerticleBase {

  private static final String SELECT = "SELECT " + Tenant.COLUMNS + " FROM tenant WHERE id = $1";

  private final Pool pool;

  public TenantQueries(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Bus.serve(vertx, GetTenant.ADDRESS, (GetTenant query) -> pool.preparedQuery(SELECT)
      .execute(Tuple.of(query.tenantId()))
      .compose(rows -> Rows.one(rows, Tenant::from, "tenant")));
    return Future.succeededFuture();
  }
}
