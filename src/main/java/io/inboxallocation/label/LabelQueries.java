package io.inboxallocation.label;

import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.bus.Items;
import io.inboxallocation.db.Rows;
import io.inboxallocation.label.LabelMessages.GetLabel;
import io.inboxallocation.label.LabelMessages.ListLabels;
import io.vertx.sqlclient.Tuple;

public final class LabelQueries extends QueryVerticle {

  public LabelQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(ListLabels.class, query -> client.preparedQuery(LabelSql.LIST)
      .execute(Tuple.of(query.actor().tenantId(), query.inboxId(), query.actor().inboxScope()))
      .map(rows -> new Items<>(Rows.all(rows, Label::from))));
    on(GetLabel.class, query -> client.preparedQuery(LabelSql.SELECT)
      .execute(Tuple.of(query.actor().tenantId(), query.labelId(), query.actor().inboxScope()))
      .compose(rows -> Rows.one(rows, Label::from, "label")));
  }
}
