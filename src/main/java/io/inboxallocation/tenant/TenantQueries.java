package io.inboxallocation.tenant;

import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.db.Rows;
import io.inboxallocation.tenant.TenantMessages.GetTenant;
import io.vertx.sqlclient.Tuple;

public final class TenantQueries extends QueryVerticle {

  private static final String SELECT = "SELECT " + Tenant.COLUMNS + " FROM tenant WHERE id = $1";

  public TenantQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(GetTenant.class, query -> client.preparedQuery(SELECT)
      .execute(Tuple.of(query.tenantId()))
      .compose(rows -> Rows.one(rows, Tenant::from, "tenant")));
  }
}
