package io.inboxallocation.operator;

import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.Items;
import io.inboxallocation.db.Rows;
import io.inboxallocation.operator.OperatorMessages.GetOperator;
import io.inboxallocation.operator.OperatorMessages.ListOperators;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

public final class OperatorQueries extends VerticleBase {

  private static final String LIST = "SELECT " + Operator.COLUMNS + " FROM operator WHERE tenant_id = $1 ORDER BY name, id";
  private static final String GET = "SELECT " + Operator.COLUMNS + " FROM operator WHERE tenant_id = $1 AND id = $2";

  private final Pool pool;

  public OperatorQueries(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Bus.serve(vertx, ListOperators.ADDRESS, (ListOperators query) -> pool.preparedQuery(LIST)
      .execute(Tuple.of(query.tenantId()))
      .map(rows -> new Items<>(Rows.all(rows, Operator::from))));
    Bus.serve(vertx, GetOperator.ADDRESS, (GetOperator query) -> pool.preparedQuery(GET)
      .execute(Tuple.of(query.tenantId(), query.operatorId()))
      .compose(rows -> Rows.one(rows, Operator::from, "operator")));
    return Future.succeededFuture();
  }
}
