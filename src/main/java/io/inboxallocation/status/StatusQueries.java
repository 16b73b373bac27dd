package io.inboxallocation.status;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.Items;
import io.inboxallocation.db.Rows;
import io.inboxallocation.status.StatusMessages.GetStatus;
import io.inboxallocation.status.StatusMessages.ListGrace;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

public final class StatusQueries extends VerticleBase {

  private static final String STATUS = "SELECT " + OperatorStatus.COLUMNS
    + " FROM operator_status WHERE tenant_id = $1 AND operator_id = $2";

  private static final String GRACE = "SELECT " + GraceAssignment.COLUMNS
    + " FROM grace_period_assignment WHERE tenant_id = $1 ORDER BY expires_at, id";

  private final Pool pool;

  public StatusQueries(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Bus.serve(vertx, GetStatus.ADDRESS, (GetStatus query) -> pool.preparedQuery(STATUS)
      .execute(Tuple.of(query.tenantId(), query.operatorId()))
      .compose(rows -> Rows.one(rows, OperatorStatus::from, "operator")));
    Bus.serve(vertx, ListGrace.ADDRESS, (ListGrace query) -> pool.preparedQuery(GRACE)
      .execute(Tuple.of(query.tenantId()))
      .map(rows -> new Items<>(Rows.all(rows, GraceAssignment::from))));
    return Future.succeededFuture();
  }
}
