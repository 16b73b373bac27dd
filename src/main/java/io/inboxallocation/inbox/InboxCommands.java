package io.inboxallocation.inbox;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.problem.PgErrors;
import io.inboxallocation.db.Rows;
import io.inboxallocation.inbox.InboxMessages.CreateInbox;
import io.inboxallocation.inbox.InboxMessages.DeleteInbox;
import io.inboxallocation.inbox.InboxMessages.Subscribe;
import io.inboxallocation.inbox.InboxMessages.Unsubscribe;
import io.inboxallocation.inbox.InboxMessages.UpdateInbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Inboxes (one phone number each per tenant) and who is subscribed to them. */
public final class InboxCommands extends CommandVerticle {

  private static final String INSERT = """
    INSERT INTO inbox AS i (id, tenant_id, phone_number, display_name) VALUES ($1, $2, $3, $4)
    RETURNING""" + " " + Inbox.COLUMNS;

  private static final String UPDATE = """
    UPDATE inbox i SET phone_number = coalesce($3, phone_number), display_name = coalesce($4, display_name)
    WHERE i.tenant_id = $1 AND i.id = $2
    RETURNING""" + " " + Inbox.COLUMNS;

  private static final String OPEN_CONVERSATIONS = """
    SELECT EXISTS (SELECT 1 FROM conversation_ref WHERE tenant_id = $1 AND inbox_id = $2 AND state <> 'RESOLVED')""";

  // Resolved conversations go with their inbox; labels and subscriptions follow by cascade.
  private static final String DELETE = """
    WITH resolved AS (DELETE FROM conversation_ref WHERE tenant_id = $1 AND inbox_id = $2)
    DELETE FROM inbox WHERE tenant_id = $1 AND id = $2 RETURNING id""";

  // ON CONFLICT DO NOTHING returns no row for a duplicate: the second statement then finds the existing one.
  private static final String SUBSCRIBE = """
    INSERT INTO operator_inbox_subscription (id, tenant_id, operator_id, inbox_id)
    SELECT $1, $2, o.id, i.id
    FROM operator o JOIN inbox i ON i.tenant_id = o.tenant_id AND i.id = $4
    WHERE o.tenant_id = $2 AND o.id = $3
    ON CONFLICT (operator_id, inbox_id) DO NOTHING
    RETURNING""" + " " + Subscription.COLUMNS;

  private static final String EXISTING_SUBSCRIPTION = "SELECT " + Subscription.COLUMNS
    + " FROM operator_inbox_subscription WHERE tenant_id = $1 AND operator_id = $2 AND inbox_id = $3";

  private static final String UNSUBSCRIBE = """
    DELETE FROM operator_inbox_subscription WHERE tenant_id = $1 AND id = $2 RETURNING id""";

  private static final String DUPLICATE = "another inbox of this tenant already has this phone number";

  public InboxCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(CreateInbox.class, this::create);
    on(UpdateInbox.class, this::update);
    on(DeleteInbox.class, this::delete);
    on(Subscribe.class, this::subscribe);
    on(Unsubscribe.class, command -> pool.preparedQuery(UNSUBSCRIBE)
      .execute(Tuple.of(command.tenantId(), command.subscriptionId()))
      .compose(rows -> Rows.one(rows, row -> null, "subscription")));
  }

  private Future<Inbox> create(CreateInbox command) {
    return pool.preparedQuery(INSERT)
      .execute(Tuple.of(UUID.randomUUID(), command.tenantId(), command.phoneNumber(), command.displayName()))
      .recover(failure -> PgErrors.conflictOnDuplicate(failure, DUPLICATE))
      .compose(rows -> Rows.one(rows, Inbox::from, "inbox"));
  }

  private Future<Inbox> update(UpdateInbox command) {
    return pool.preparedQuery(UPDATE)
      .execute(Tuple.of(command.tenantId(), command.inboxId(), command.phoneNumber(), command.displayName()))
      .recover(failure -> PgErrors.conflictOnDuplicate(failure, DUPLICATE))
      .compose(rows -> Rows.one(rows, Inbox::from, "inbox"));
  }

  private Future<Void> delete(DeleteInbox command) {
    Tuple ids = Tuple.of(command.tenantId(), command.inboxId());
    return pool.withTransaction(conn -> conn.preparedQuery(OPEN_CONVERSATIONS).execute(ids)
      .compose(open -> open.iterator().next().getBoolean(0)
        ? Future.failedFuture(ApiError.conflict("the inbox still has queued or allocated conversations: move or resolve them first"))
        : conn.preparedQuery(DELETE).execute(ids))
      .compose(rows -> Rows.one(rows, row -> null, "inbox")));
  }

  private Future<Subscription.Created> subscribe(Subscribe command) {
    return pool.preparedQuery(SUBSCRIBE)
      .execute(Tuple.of(UUID.randomUUID(), command.tenantId(), command.operatorId(), command.inboxId()))
      .compose(inserted -> inserted.size() > 0
        ? Future.succeededFuture(new Subscription.Created(Rows.firstOrNull(inserted, Subscription::from), true))
        : pool.preparedQuery(EXISTING_SUBSCRIPTION)
          .execute(Tuple.of(command.tenantId(), command.operatorId(), command.inboxId()))
          .compose(rows -> Rows.one(rows, row -> new Subscription.Created(Subscription.from(row), false),
            "operator or inbox")));
  }

}
