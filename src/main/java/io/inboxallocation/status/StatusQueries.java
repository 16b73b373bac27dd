package io.inboxallocation.status;

import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.bus.Items;
import io.inboxallocation.db.Rows;
import io.inboxallocation.status.StatusMessages.GetStatus;
import io.inboxallocation.status.StatusMessages.ListGrace;
import io.vertx.sqlclient.Tuple;

public final class StatusQueries extends QueryVerticle {

  private static final String STATUS = "SELECT " + OperatorStatus.COLUMNS
    + " FROM operator_status s WHERE s.tenant_id = $1 AND s.operator_id = $2";

  private static final String GRACE = "SELECT " + GraceAssignment.COLUMNS
    + " FROM grace_period_assignment WHERE tenant_id = $1 ORDER BY expires_at, id";

  public StatusQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(GetStatus.class, query -> client.preparedQuery(STATUS)
      .execute(Tuple.of(query.tenantId(), query.operatorId()))
      .compose(rows -> Rows.one(rows, OperatorStatus::from, "operator")));
    on(ListGrace.class, query -> client.preparedQuery(GRACE)
      .execute(Tuple.of(query.tenantId()))
      .map(rows -> new Items<>(Rows.all(rows, GraceAssignment::from))));
  }
}
