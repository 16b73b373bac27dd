package io.inboxallocation.conversation;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.conversation.ConversationMessages.UpsertConversation;
import io.inboxallocation.conversation.ConversationMessages.Upserted;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.EventLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * The orchestrator's upsert. Most calls update an existing conversation, so the update runs first; a miss inserts;
 * losing the insert race to a concurrent upsert of the same id falls back to the update, so concurrent upserts never
 * fail. A resolved conversation whose customer wrote again is then reopened by a statement of its own.
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
    )
    """ + Conversation.selectFrom("updated",
    "coalesce(c.state = 'RESOLVED' AND $5::timestamptz > c.resolved_at, false) AS reopen_due");

  /** RESOLVED → QUEUED with its event, only if still resolved before the new message (one reopen per race). */
  private static final String REOPEN = """
    WITH reopened AS (
      UPDATE conversation_ref c SET state = 'QUEUED', resolved_at = NULL, updated_at = now()
      WHERE c.tenant_id = $1 AND c.id = $2 AND c.state = 'RESOLVED' AND c.resolved_at < $3
      RETURNING c.*
    ), event AS (
    """ + EventLog.INSERT_INTO + """
      SELECT tenant_id, id, 'REOPENED', 'NEW_MESSAGE', $4::text, $5::text, 'RESOLVED', 'QUEUED', NULL, NULL, '{}'::jsonb
      FROM reopened
    )
    """ + Conversation.selectFrom("reopened");

  private static final String CURRENT = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";

  private static final String INSERT = """
    WITH created AS (
      INSERT INTO conversation_ref (id, tenant_id, inbox_id, external_conversation_id, customer_phone_number, state,
                                    last_message_at, message_count, priority_rank)
      SELECT $9::uuid, i.tenant_id, i.id, $3::text, $4::text, 'QUEUED', $5::timestamptz, coalesce($6::integer, 0),
             priority_rank(t.message_count_weight, t.delay_weight, coalesce($6, 0), coalesce($5, now()))
      FROM inbox i JOIN tenant t ON t.id = i.tenant_id
      WHERE i.tenant_id = $1 AND i.id = $2
      ON CONFLICT (tenant_id, external_conversation_id) DO NOTHING
      RETURNING *
    ), event AS (
    """ + EventLog.INSERT_INTO + """
      SELECT tenant_id, id, 'CREATED', NULL, $7::text, $8::text, NULL, 'QUEUED', NULL, NULL, jsonb_build_object('inboxId', inbox_id)
      FROM created
    )
    """ + Conversation.selectFrom("created");

  public IngestCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(UpsertConversation.class, this::upsert);
  }

  private Future<Upserted> upsert(UpsertConversation command) {
    return update(command)
      .compose(updated -> updated != null ? Future.succeededFuture(updated) : pool.preparedQuery(INSERT)
        .execute(params(command).addValue(command.actor().subject()).addValue(command.actor().role().name())
          .addValue(UUID.randomUUID()))
        .map(rows -> Rows.firstOrNull(rows, row -> new Upserted(Conversation.from(row), true))))
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
      return pool.preparedQuery(REOPEN)
        .execute(Tuple.of(command.actor().tenantId(), id, Rows.timestamp(command.lastMessageAt()),
          command.actor().subject(), command.actor().role().name()))
        .compose(reopened -> reopened.size() > 0 ? Future.succeededFuture(reopened)
          : pool.preparedQuery(CURRENT).execute(Tuple.of(id)))
        .map(current -> new Upserted(Rows.firstOrNull(current, Conversation::from), false));
    });
  }

  /** $1 tenant, $2 inbox, $3 external id, $4 phone, $5 last message at, $6 message count. */
  private static Tuple params(UpsertConversation command) {
    return Tuple.of(command.actor().tenantId(), command.inboxId(), command.externalConversationId(),
        command.customerPhoneNumber())
      .addValue(Rows.timestamp(command.lastMessageAt()))
      .addValue(command.messageCount());
  }
}
