package io.inboxallocation.conversation;

import io.inboxallocation.bus.ApiError;
import io.inboxallocation.bus.BusVerticle;
import io.inboxallocation.conversation.ConversationMessages.UpsertConversation;
import io.inboxallocation.conversation.ConversationMessages.Upserted;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.EventLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * The orchestrator's upsert. Each path is one statement (state change and audit event together): most calls update
 * an existing conversation, so the update runs first; a miss inserts; losing the insert race to a concurrent upsert
 * of the same id falls back to the update, so concurrent upserts never fail.
 */
public final class IngestCommands extends BusVerticle {

  // The locked read gives the state *before* the update, so a reopening is detected exactly, even under races.
  private static final String UPDATE = """
    WITH old AS (
      SELECT o.id, o.state, o.resolved_at
      FROM conversation_ref o
      WHERE o.tenant_id = $1 AND o.external_conversation_id = $3
        AND EXISTS (SELECT 1 FROM inbox i WHERE i.tenant_id = $1 AND i.id = $2)
      FOR UPDATE
    ), updated AS (
      UPDATE conversation_ref c SET
        customer_phone_number = $4::text,
        last_message_at = greatest(c.last_message_at, $5::timestamptz),
        message_count = greatest(c.message_count, coalesce($6::integer, 0)),
        state = CASE WHEN old.state = 'RESOLVED' AND $5 > old.resolved_at THEN 'QUEUED' ELSE c.state END,
        resolved_at = CASE WHEN old.state = 'RESOLVED' AND $5 > old.resolved_at THEN NULL ELSE c.resolved_at END,
        priority_rank = priority_rank(t.message_count_weight, t.delay_weight,
                                      greatest(c.message_count, coalesce($6, 0)),
                                      coalesce(greatest(c.last_message_at, $5), c.created_at)),
        updated_at = now()
      FROM old, tenant t
      WHERE c.id = old.id AND t.id = c.tenant_id
      RETURNING c.*, old.state AS previous_state
    ), reopened AS (
    """ + EventLog.INSERT_INTO + """
      SELECT tenant_id, id, 'REOPENED', 'NEW_MESSAGE', $7::text, $8::text, 'RESOLVED', 'QUEUED', NULL, NULL, '{}'::jsonb
      FROM updated WHERE previous_state = 'RESOLVED' AND state = 'QUEUED'
    )
    SELECT""" + " " + Conversation.COLUMNS + " FROM updated c";

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
    SELECT""" + " " + Conversation.COLUMNS + " FROM created c";

  public IngestCommands(Pool pool) {
    super(pool);
  }

  @Override
  protected void serve() {
    on(UpsertConversation.ADDRESS, this::upsert);
  }

  private Future<Upserted> upsert(UpsertConversation command) {
    return update(command)
      .compose(updated -> updated != null ? Future.succeededFuture(updated) : pool.preparedQuery(INSERT)
        .execute(params(command).addValue(UUID.randomUUID()))
        .map(rows -> Rows.firstOrNull(rows, row -> new Upserted(Conversation.from(row), true))))
      .compose(result -> result != null ? Future.succeededFuture(result) : update(command))
      .compose(result -> result != null ? Future.succeededFuture(result)
        : Future.failedFuture(ApiError.notFound("inbox")));
  }

  private Future<Upserted> update(UpsertConversation command) {
    return pool.preparedQuery(UPDATE).execute(params(command))
      .map(rows -> Rows.firstOrNull(rows, row -> new Upserted(Conversation.from(row), false)));
  }

  private static Tuple params(UpsertConversation command) {
    return Tuple.of(command.actor().tenantId(), command.inboxId(), command.externalConversationId(),
        command.customerPhoneNumber())
      .addValue(Rows.timestamp(command.lastMessageAt()))
      .addValue(command.messageCount())
      .addValue(command.actor().subject())
      .addValue(command.actor().role().name());
  }
}
