package io.inboxallocation.allocation;

import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.events.EventLog;

/** The statements of {@link AllocationCommands}; each state change writes its audit event in the same statement. */
final class AllocationSql {

  private AllocationSql() {
  }

  /** Serialises one operator's allocations and makes the AVAILABLE check exact until commit. */
  static final String LOCK_CALLER_STATUS = """
    SELECT status FROM operator_status WHERE tenant_id = $1 AND operator_id = $2 FOR UPDATE""";

  /**
   * The head of each subscribed inbox's queue (one index probe per inbox on conversation_queue_by_inbox), then the
   * best of those heads. SKIP LOCKED: racing operators never wait for, nor receive, the same conversation.
   */
  static final String ALLOCATE_NEXT = """
    WITH candidate AS (
      SELECT q.id
      FROM operator_inbox_subscription s
      CROSS JOIN LATERAL (
        SELECT c.id, c.priority_rank, c.last_activity_at
        FROM conversation_ref c
        WHERE c.inbox_id = s.inbox_id AND c.state = 'QUEUED'
        ORDER BY c.priority_rank DESC, c.last_activity_at, c.id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ) q
      WHERE s.tenant_id = $1 AND s.operator_id = $2
      ORDER BY q.priority_rank DESC, q.last_activity_at, q.id
      LIMIT 1
    ), updated AS (
      -- The state is checked again on the row being written: never trust the candidate copy alone.
      UPDATE conversation_ref c SET state = 'ALLOCATED', assigned_operator_id = $2, updated_at = now()
      FROM candidate WHERE c.id = candidate.id AND c.state = 'QUEUED'
      RETURNING c.*
    ), event AS (
    """ + EventLog.INSERT_INTO + """
      SELECT tenant_id, id, 'ALLOCATED', 'AUTO', $3::text, $4::text, 'QUEUED', 'ALLOCATED', $2, NULL, '{}'::jsonb FROM updated
    )
    """ + Conversation.selectFrom("updated");

  /** The conversation, locked for the rest of the transaction, and whether the caller ($3) is subscribed to its inbox. */
  static final String LOCK_CONVERSATION = """
    SELECT c.state, c.assigned_operator_id, c.inbox_id,
           EXISTS (SELECT 1 FROM operator_inbox_subscription s
                   WHERE s.operator_id = $3 AND s.inbox_id = c.inbox_id) AS caller_subscribed
    FROM conversation_ref c
    WHERE c.tenant_id = $1 AND c.id = $2
    FOR UPDATE OF c""";

  /** An operator's status (share-locked, so it cannot go OFFLINE under us) and subscription to inbox $3. */
  static final String OPERATOR_READINESS = """
    SELECT s.status,
           EXISTS (SELECT 1 FROM operator_inbox_subscription x
                   WHERE x.operator_id = s.operator_id AND x.inbox_id = $3) AS subscribed
    FROM operator_status s
    WHERE s.tenant_id = $1 AND s.operator_id = $2
    FOR SHARE OF s""";

  static final String CURRENT = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";

  /**
   * Any owner change: new state and owner, the grace assignment (if any) dropped, the event appended.
   * $1 tenant, $2 conversation, $3 state, $4 owner, $5 type, $6 reason, $7 actor id, $8 actor role,
   * $9 previous state, $10 previous owner.
   */
  static final String TRANSITION = """
    WITH cleared AS (
      DELETE FROM grace_period_assignment WHERE conversation_id = $2
    ), updated AS (
      UPDATE conversation_ref c SET
        state = $3, assigned_operator_id = $4, updated_at = now(),
        resolved_at = CASE WHEN $3::text = 'RESOLVED' THEN now() END
      WHERE c.tenant_id = $1 AND c.id = $2
      RETURNING c.*
    ), event AS (
    """ + EventLog.INSERT_INTO + """
      SELECT tenant_id, id, $5::text, $6::text, $7::text, $8::text, $9::text, state, assigned_operator_id, $10::uuid,
             '{}'::jsonb
      FROM updated
    )
    """ + Conversation.selectFrom("updated");

  static final String TARGET_INBOX = """
    SELECT EXISTS (SELECT 1 FROM inbox WHERE tenant_id = $1 AND id = $2) AS inbox_exists,
           EXISTS (SELECT 1 FROM operator_inbox_subscription WHERE operator_id = $3 AND inbox_id = $2) AS owner_subscribed""";

  /**
   * Moves to inbox $3 with state $4 and owner $5; detaches the old inbox's labels; appends MOVED and, when the owner
   * had to let go ($4 differs from the previous state $8), RELEASED after it.
   * $1 tenant, $2 conversation, $6 actor id, $7 actor role, $8 previous state, $9 previous owner, $10 previous inbox.
   */
  static final String MOVE = """
    WITH detached AS (
      DELETE FROM conversation_label WHERE conversation_id = $2 RETURNING label_id
    ), cleared AS (
      DELETE FROM grace_period_assignment WHERE conversation_id = $2 AND $4::text <> $8::text
    ), updated AS (
      UPDATE conversation_ref c SET inbox_id = $3, state = $4, assigned_operator_id = $5, updated_at = now()
      WHERE c.tenant_id = $1 AND c.id = $2
      RETURNING c.*
    ), events AS (
    """ + EventLog.INSERT_INTO + """
      SELECT u.tenant_id, u.id, e.type, e.reason, $6::text, $7::text, $8::text, e.to_state, e.operator_id, $9::uuid,
             e.details
      FROM updated u
      CROSS JOIN LATERAL (VALUES
        (1, 'MOVED', NULL, $8::text, $9::uuid,
         jsonb_build_object('fromInboxId', $10::uuid, 'toInboxId', u.inbox_id,
                            'detachedLabelIds', (SELECT coalesce(jsonb_agg(label_id), '[]'::jsonb) FROM detached))),
        (2, 'RELEASED', 'MOVED', u.state, NULL::uuid, '{}'::jsonb)
      ) AS e (ord, type, reason, to_state, operator_id, details)
      WHERE e.ord = 1 OR u.state <> $8::text
      ORDER BY e.ord
    )
    """ + Conversation.selectFrom("updated");
}
