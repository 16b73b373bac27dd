package io.inboxallocation.conversation;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.conversation.ConversationMessages.UpsertConversation;
import io.inboxallocation.conversation.ConversationMessages.Upserted;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventType;
import io.inboxallocation.lifecycle.Lifecycle;
import io.inboxallocation.lifecycle.Lifecycle.NewConversation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

import static io.inboxallocation.events.EventLog.Column.ACTOR_ID;
import static io.inboxallocation.events.EventLog.Column.ACTOR_ROLE;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION_ID;
import static io.inboxallocation.events.EventLog.Column.INBOX_ID;
import static io.inboxallocation.events.EventLog.Column.OPERATOR_ID;
import static io.inboxallocation.events.EventLog.Column.TENANT_ID;
import static io.inboxallocation.events.EventLog.Column.TYPE;

/**
 * The orchestrator's upsert. Most calls update an existing conversation, so the update runs first; a miss inserts;
 * losing the insert race to a concurrent upsert of the same id falls back to the update, so concurrent upserts never
 * fail. A resolved conversation whose customer wrote again is then reopened by a statement of its own. Creating and
 * reopening are changes of state, so the {@link Lifecycle} makes them.
 */
public final class IngestCommands extends CommandVerticle {

  // Never changes the state: deciding a reopen here from a separately locked copy of the row could act on an older
  // version than the one this UPDATE re-checks and writes. It only reports whether a reopen is due, from the very row
  // it wrote.
  private static final String UPDATE = """
    WITH updated AS (
      UPDATE conversation_ref c SET
        customer_phone_number = $4::text,
        last_message_at = greatest(c.last_message_at, $5::timestamptz),
        message_count = greatest(c.message_count, coalesce($6::integer, 0)),
        priority_rank = priority_rank(t.message_count_weight, t.delay_weight,
                                      greatest(c.message_count, coalesce($6::integer, 0)),
                                      coalesce(greatest(c.last_message_at, $5::timestamptz), c.created_at)),
        updated_at = now()
      FROM tenant t
      WHERE c.tenant_id = $1 AND c.external_conversation_id = $3 AND t.id = c.tenant_id
        AND EXISTS (SELECT 1 FROM inbox i WHERE i.tenant_id = $1 AND i.id = $2)
      RETURNING c.*
    ), logged AS (
    """ + EventLog.append()
      .set(TENANT_ID, "c.tenant_id").set(INBOX_ID, "c.inbox_id").set(CONVERSATION_ID, "c.id")
      .set(TYPE, "'" + EventType.UPDATED.name() + "'").set(ACTOR_ID, "$7::text").set(ACTOR_ROLE, "$8::text")
      .set(OPERATOR_ID, "c.assigned_operator_id").set(CONVERSATION, Conversation.JSON_TEXT)
      .from(Conversation.withTenant("updated"))
    + """

      RETURNING conversation
    )
    SELECT l.conversation, c.id,
           coalesce(c.state = %s AND $5::timestamptz > c.resolved_at, false) AS reopen_due
    FROM updated c CROSS JOIN logged l""".formatted(ConversationState.RESOLVED.literal());

  private static final String CURRENT = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";

  public IngestCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(UpsertConversation.class, this::upsert);
  }

  private Future<Upserted> upsert(UpsertConversation command) {
    return update(command)
      .compose(updated -> updated != null ? Future.succeededFuture(updated) : Lifecycle.create(pool, command.actor(),
          new NewConversation(command.inboxId(), command.externalConversationId(), command.customerPhoneNumber(),
            command.lastMessageAt(), command.messageCount()))
        .map(created -> created == null ? null : new Upserted(created, true)))
      .compose(result -> result != null ? Future.succeededFuture(result) : update(command))
      .compose(result -> result != null ? Future.succeededFuture(result)
        : Future.failedFuture(ApiError.notFound("inbox")));
  }

  private Future<Upserted> update(UpsertConversation command) {
    return pool.preparedQuery(UPDATE).execute(params(command)).compose(rows -> {
      Row row = Rows.firstOrNull(rows, r -> r);
      if (row == null || !row.getBoolean("reopen_due")) {
        return Future.succeededFuture(row == null ? null : new Upserted(Conversation.from(row), false));
      }
      UUID id = row.getUUID("id");
      return Lifecycle.reopen(pool, command.actor(), id, command.lastMessageAt())
        .compose(reopened -> reopened != null ? Future.succeededFuture(reopened)
          : pool.preparedQuery(CURRENT).execute(Tuple.of(id)).map(current -> Rows.firstOrNull(current, Conversation::from)))
        .map(conversation -> new Upserted(conversation, false));
    });
  }

  /** $1 tenant, $2 inbox, $3 external id, $4 phone, $5 last message at, $6 message count, $7 and $8 actor. */
  private static Tuple params(UpsertConversation command) {
    EventActor actor = EventActor.of(command.actor());
    return Tuple.of(command.actor().tenantId(), command.inboxId(), command.externalConversationId(),
        command.customerPhoneNumber())
      .addValue(Rows.timestamp(command.lastMessageAt()))
      .addValue(command.messageCount())
      .addValue(actor.id())
      .addValue(actor.role());
  }
}
