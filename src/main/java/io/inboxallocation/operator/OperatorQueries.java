package io.inboxallocation.operator;

import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.bus.Items;
import io.inboxallocation.db.Rows;
import io.inboxallocation.operator.OperatorMessages.GetOperator;
import io.inboxallocation.operator.OperatorMessages.ListOperators;
import io.vertx.sqlclient.Tuple;

public final class OperatorQueries extends QueryVerticle {

  private static final String LIST = "SELECT " + Operator.COLUMNS + " FROM operator WHERE tenant_id = $1 ORDER BY name, id";
  private static final String GET = "SELECT " + Operator.COLUMNS + " FROM operator WHERE tenant_id = $1 AND id = $2";

  public OperatorQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(ListOperators.class, query -> client.preparedQuery(LIST)
      .execute(Tuple.of(query.tenantId()))
      .map(rows -> new Items<>(Rows.all(rows, Operator::from))));
    on(GetOperator.class, query -> client.preparedQuery(GET)
      .execute(Tuple.of(query.tenantId(), query.operatorId()))
      .compose(rows -> Rows.one(rows, Operator::from, "operator")));
  }
}
