package io.inboxallocation.inbox;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.db.Database;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventType;
import io.inboxallocation.problem.PgErrors;
import io.inboxallocation.db.Rows;
import io.inboxallocation.inbox.InboxMessages.CreateInbox;
import io.inboxallocation.inbox.InboxMessages.DeleteInbox;
import io.inboxallocation.inbox.InboxMessages.Subscribe;
import io.inboxallocation.inbox.InboxMessages.Unsubscribe;
import io.inboxallocation.inbox.InboxMessages.UpdateInbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
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
    DELETE FROM inbox i WHERE tenant_id = $1 AND id = $2 RETURNING""" + " " + Inbox.COLUMNS;

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
    DELETE FROM operator_inbox_subscription WHERE tenant_id = $1 AND id = $2 RETURNING""" + " " + Subscription.COLUMNS;

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
    on(Unsubscribe.class, this::unsubscribe);
  }

  private Future<Inbox> create(CreateInbox command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
      .execute(Tuple.of(UUID.randomUUID(), actor.tenantId(), command.phoneNumber(), command.displayName()))
      .recover(failure -> PgErrors.conflictOnDuplicate(failure, DUPLICATE))
      .compose(rows -> Rows.one(rows, Inbox::from, "inbox"))
      .compose(inbox -> recorded(conn, actor, EventType.INBOX_CREATED, inbox.id(), null, inbox)));
  }

  private Future<Inbox> update(UpdateInbox command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(UPDATE)
      .execute(Tuple.of(actor.tenantId(), command.inboxId(), command.phoneNumber(), command.displayName()))
      .recover(failure -> PgErrors.conflictOnDuplicate(failure, DUPLICATE))
      .compose(rows -> Rows.one(rows, Inbox::from, "inbox"))
      .compose(inbox -> recorded(conn, actor, EventType.INBOX_UPDATED, inbox.id(), null, inbox)));
  }

  private Future<Void> delete(DeleteInbox command) {
    Actor actor = command.actor();
    Tuple ids = Tuple.of(actor.tenantId(), command.inboxId());
    return pool.withTransaction(conn -> conn.preparedQuery(OPEN_CONVERSATIONS).execute(ids)
      .compose(open -> open.iterator().next().getBoolean(0)
        ? Future.failedFuture(ApiError.conflict("the inbox still has queued or allocated conversations: move or resolve them first"))
        : conn.preparedQuery(DELETE).execute(ids))
      .compose(rows -> Rows.one(rows, Inbox::from, "inbox"))
      .compose(inbox -> recorded(conn, actor, EventType.INBOX_DELETED, inbox.id(), null, inbox))
      .mapEmpty());
  }

  private Future<Subscription.Created> subscribe(Subscribe command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(SUBSCRIBE)
      .execute(Tuple.of(UUID.randomUUID(), actor.tenantId(), command.operatorId(), command.inboxId()))
      .compose(inserted -> inserted.size() > 0
        ? subscriptionChanged(conn, actor, EventType.SUBSCRIPTION_ADDED, Rows.firstOrNull(inserted, Subscription::from))
          .map(subscription -> new Subscription.Created(subscription, true))
        : conn.preparedQuery(EXISTING_SUBSCRIPTION)
          .execute(Tuple.of(actor.tenantId(), command.operatorId(), command.inboxId()))
          .compose(rows -> Rows.one(rows, row -> new Subscription.Created(Subscription.from(row), false),
            "operator or inbox"))));
  }

  private Future<Void> unsubscribe(Unsubscribe command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(UNSUBSCRIBE)
      .execute(Tuple.of(actor.tenantId(), command.subscriptionId()))
      .compose(rows -> Rows.one(rows, Subscription::from, "subscription"))
      .compose(subscription -> subscriptionChanged(conn, actor, EventType.SUBSCRIPTION_REMOVED, subscription))
      .mapEmpty());
  }

  /** A subscription event concerns both its operator and its inbox. */
  private static Future<Subscription> subscriptionChanged(SqlConnection conn, Actor actor, EventType type,
                                                          Subscription subscription) {
    return recorded(conn, actor, type, subscription.inboxId(), subscription.operatorId(), subscription);
  }

  private static <T> Future<T> recorded(SqlConnection conn, Actor actor, EventType type, UUID inboxId, UUID operatorId,
                                        T details) {
    return EventLog.record(conn, actor.tenantId(), EventActor.of(actor), type, inboxId, operatorId, details)
      .map(details);
  }

}
