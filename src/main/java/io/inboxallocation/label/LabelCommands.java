package io.inboxallocation.label;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventReason;
import io.inboxallocation.events.EventType;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.problem.PgErrors;
import io.inboxallocation.db.Rows;
import io.inboxallocation.label.LabelMessages.AttachLabel;
import io.inboxallocation.label.LabelMessages.CreateLabel;
import io.inboxallocation.label.LabelMessages.DeleteLabel;
import io.inboxallocation.label.LabelMessages.DetachLabel;
import io.inboxallocation.label.LabelMessages.UpdateLabel;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Labels per inbox, and attaching them to that inbox's conversations. */
public final class LabelCommands extends CommandVerticle {

  private static final String DUPLICATE = "this inbox already has a label with that name";

  public LabelCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(CreateLabel.class, this::create);
    on(UpdateLabel.class, this::update);
    on(DeleteLabel.class, this::delete);
    on(AttachLabel.class, c -> change(c.actor(), c.conversationId(), c.labelId(),
      LabelSql.ATTACH, EventType.LABEL_ADDED));
    on(DetachLabel.class, c -> change(c.actor(), c.conversationId(), c.labelId(),
      LabelSql.DETACH, EventType.LABEL_REMOVED));
  }

  private Future<Label> create(CreateLabel command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(LabelSql.INSERT)
      .execute(Tuple.of(actor.tenantId(), command.inboxId(), actor.inboxScope(), UUID.randomUUID(), command.name(),
        command.color()).addValue(actor.operatorId()))
      .recover(failure -> PgErrors.conflictOnDuplicate(failure, DUPLICATE))
      .compose(rows -> Rows.one(rows, Label::from, "inbox"))
      .compose(label -> recorded(conn, actor, EventType.LABEL_CREATED, label)));
  }

  private Future<Label> update(UpdateLabel command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> editable(conn, actor, command.labelId())
      .compose(label -> conn.preparedQuery(LabelSql.UPDATE)
        .execute(Tuple.of(actor.tenantId(), command.labelId(), command.name(), command.color())))
      .recover(failure -> PgErrors.conflictOnDuplicate(failure, DUPLICATE))
      .compose(rows -> Rows.one(rows, Label::from, "label"))
      .compose(label -> recorded(conn, actor, EventType.LABEL_UPDATED, label)));
  }

  private Future<Void> delete(DeleteLabel command) {
    Actor actor = command.actor();
    Tuple label = Tuple.of(actor.tenantId(), command.labelId());
    return pool.withTransaction(conn -> editable(conn, actor, command.labelId())
      .compose(editable -> conn.preparedQuery(LabelSql.DETACH_EVERYWHERE).execute(label)
        .compose(detached -> logLabelChange(conn, actor, conversationIds(detached), editable.id(), editable.name(), EventType.LABEL_REMOVED,
          EventReason.LABEL_DELETED)))
      .compose(logged -> conn.preparedQuery(LabelSql.DELETE).execute(label))
      .compose(rows -> Rows.one(rows, Label::from, "label"))
      .compose(deleted -> recorded(conn, actor, EventType.LABEL_DELETED, deleted))
      .mapEmpty());
  }

  private static Future<Label> recorded(SqlConnection conn, Actor actor, EventType type, Label label) {
    return EventLog.record(conn, actor.tenantId(), EventActor.of(actor), type, label.inboxId(), null, label)
      .map(label);
  }

  private static Future<RowSet<Row>> logLabelChange(SqlConnection conn, Actor actor, UUID[] conversationIds,
                                                   UUID labelId, String labelName, EventType type, EventReason reason) {
    return conn.preparedQuery(LabelSql.LOG_LABEL_CHANGE).execute(Tuple.of(actor.tenantId(), conversationIds,
        labelId, actor.subject(), actor.role().name(), labelName)
      .addValue(type.name()).addValue(reason == null ? null : reason.name()));
  }

  private static UUID[] conversationIds(RowSet<Row> rows) {
    return Rows.all(rows, row -> row.getUUID("conversation_id")).toArray(UUID[]::new);
  }

  /** Managers and admins may edit any label; operators only those they created (in inboxes they can see). */
  private static Future<Label> editable(SqlConnection conn, Actor actor, UUID labelId) {
    return conn.preparedQuery(LabelSql.SELECT).execute(Tuple.of(actor.tenantId(), labelId, actor.inboxScope()))
      .compose(rows -> Rows.one(rows, Label::from, "label"))
      .compose(label -> actor.role().seesAllInboxes() || actor.operatorId().equals(label.createdBy())
        ? Future.succeededFuture(label)
        : Future.failedFuture(ApiError.forbidden("only managers, admins and the label's creator may change it")));
  }

  /** Attach or detach: idempotent, and only within the conversation's own inbox. Replies with the conversation. */
  private Future<Conversation> change(Actor actor, UUID conversationId, UUID labelId, String sql, EventType event) {
    return pool.withTransaction(conn -> conn.preparedQuery(LabelSql.LOCK_PAIR)
      .execute(Tuple.of(actor.tenantId(), conversationId, labelId, actor.inboxScope()))
      .compose(rows -> Rows.one(rows, row -> row, "conversation"))
      .compose(pair -> {
        UUID labelInbox = pair.getUUID("label_inbox");
        if (labelInbox == null) {
          return Future.failedFuture(ApiError.notFound("label"));
        }
        if (event == EventType.LABEL_ADDED && !labelInbox.equals(pair.getUUID("conversation_inbox"))) {
          return Future.failedFuture(ApiError.conflict("the label belongs to another inbox than the conversation"));
        }
        return conn.preparedQuery(sql).execute(Tuple.of(actor.tenantId(), conversationId, labelId))
          .compose(changed -> changed.size() > 0
            ? logLabelChange(conn, actor, conversationIds(changed), labelId, pair.getString("label_name"), event, null)
            : conn.preparedQuery(LabelSql.CURRENT_CONVERSATION).execute(Tuple.of(conversationId)));
      })
      .map(rows -> Rows.firstOrNull(rows, Conversation::from)));
  }
}
