package io.inboxallocation.inbox;

import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.auth.Visibility;
import io.inboxallocation.bus.Items;
import io.inboxallocation.db.Rows;
import io.inboxallocation.inbox.InboxMessages.GetInbox;
import io.inboxallocation.inbox.InboxMessages.ListInboxes;
import io.inboxallocation.inbox.InboxMessages.ListSubscriptions;
import io.vertx.sqlclient.Tuple;

/** Reads of inboxes and subscriptions. Operators ($3 set) only see the inboxes they are subscribed to. */
public final class InboxQueries extends QueryVerticle {

  private static final String VISIBLE = """
     FROM inbox i
    WHERE i.tenant_id = $1
      AND""" + " " + Visibility.inbox("$3", "i.id");

  private static final String LIST = "SELECT " + Inbox.COLUMNS + VISIBLE
    + " AND ($2::uuid IS NULL OR i.id = $2) ORDER BY i.display_name, i.id";

  private static final String SUBSCRIPTIONS = """
    SELECT""" + " " + Subscription.COLUMNS + """
     FROM operator_inbox_subscription
    WHERE tenant_id = $1 AND ($2::uuid IS NULL OR operator_id = $2) AND ($3::uuid IS NULL OR inbox_id = $3)
    ORDER BY created_at, id""";

  public InboxQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(ListInboxes.class, query -> client.preparedQuery(LIST)
      .execute(Tuple.of(query.actor().tenantId(), null, query.actor().inboxScope()))
      .map(rows -> new Items<>(Rows.all(rows, Inbox::from))));
    on(GetInbox.class, query -> client.preparedQuery(LIST)
      .execute(Tuple.of(query.actor().tenantId(), query.inboxId(), query.actor().inboxScope()))
      .compose(rows -> Rows.one(rows, Inbox::from, "inbox")));
    on(ListSubscriptions.class, query -> client.preparedQuery(SUBSCRIPTIONS)
      .execute(Tuple.of(query.tenantId(), query.operatorId(), query.inboxId()))
      .map(rows -> new Items<>(Rows.all(rows, Subscription::from))));
  }
}
