package io.inboxallocation.allocation;

import io.inboxallocation.auth.Visibility;
import io.inboxallocation.conversation.Conversation;

/** The statements of {@link AllocationCommands} that read and lock; the changes themselves are the lifecycle's. */
final class AllocationSql {

  private AllocationSql() {
  }

  /** Serialises one operator's allocations and makes the AVAILABLE check exact until commit. */
  static final String LOCK_CALLER_STATUS = """
    SELECT status FROM operator_status WHERE tenant_id = $1 AND operator_id = $2 FOR UPDATE""";

  /** The conversation, locked for the rest of the transaction, if the caller (scope $3) may see it. */
  static final String LOCK_CONVERSATION = """
    SELECT c.state, c.assigned_operator_id, c.inbox_id
    FROM conversation_ref c
    WHERE c.tenant_id = $1 AND c.id = $2 AND""" + " " + Visibility.conversation("$3") + """

    FOR UPDATE OF c""";

  /**
   * An operator's status and subscription to inbox $3. Locked for update: they cannot go OFFLINE under us, and nobody
   * else gives them a conversation until we commit (capacity).
   */
  static final String OPERATOR_READINESS = """
    SELECT s.status,
           EXISTS (SELECT 1 FROM operator_inbox_subscription x
                   WHERE x.operator_id = s.operator_id AND x.inbox_id = $3) AS subscribed
    FROM operator_status s
    WHERE s.tenant_id = $1 AND s.operator_id = $2
    FOR UPDATE OF s""";

  static final String CURRENT = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";

  static final String TARGET_INBOX = """
    SELECT EXISTS (SELECT 1 FROM inbox WHERE tenant_id = $1 AND id = $2) AS inbox_exists,
           EXISTS (SELECT 1 FROM operator_inbox_subscription WHERE operator_id = $3 AND inbox_id = $2) AS owner_subscribed""";
}
