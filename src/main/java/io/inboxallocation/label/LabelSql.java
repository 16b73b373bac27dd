package io.inboxallocation.label;

import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.events.EventLog;

/** Statements of the label verticles. Operators ($ scope parameter set) only reach labels of their subscribed inboxes. */
final class LabelSql {

  private LabelSql() {
  }

  static String inboxVisibleTo(String operatorParameter) {
    return "(" + operatorParameter + "::uuid IS NULL OR EXISTS (SELECT 1 FROM operator_inbox_subscription s WHERE s.operator_id = "
      + operatorParameter + " AND s.inbox_id = l.inbox_id))";
  }

  static final String SELECT = "SELECT " + Label.COLUMNS + " FROM label l WHERE l.tenant_id = $1 AND l.id = $2 AND "
    + inboxVisibleTo("$3");

  static final String LIST = "SELECT " + Label.COLUMNS + " FROM label l WHERE l.tenant_id = $1 AND "
    + "($2::uuid IS NULL OR l.inbox_id = $2) AND " + inboxVisibleTo("$3") + " ORDER BY l.inbox_id, lower(l.name), l.id";

  static final String INSERT = """
    INSERT INTO label AS l (id, tenant_id, inbox_id, name, color, created_by)
    SELECT $4, i.tenant_id, i.id, $5, $6, $7
    FROM inbox i
    WHERE i.tenant_id = $1 AND i.id = $2
      AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM operator_inbox_subscription s
                                       WHERE s.operator_id = $3 AND s.inbox_id = i.id))
    RETURNING""" + " " + Label.COLUMNS;

  static final String UPDATE = """
    UPDATE label l SET name = coalesce($3, name), color = coalesce($4, color)
    WHERE l.tenant_id = $1 AND l.id = $2
    RETURNING""" + " " + Label.COLUMNS;

  /** Detaches everywhere with a LABEL_REMOVED event per conversation, then deletes. */
  static final String DELETE = """
    WITH detached AS (
      DELETE FROM conversation_label cl USING label l
      WHERE cl.label_id = l.id AND l.tenant_id = $1 AND l.id = $2
      RETURNING cl.conversation_id, cl.tenant_id, l.name
    ), events AS (
    """ + EventLog.INSERT_INTO + """
      SELECT tenant_id, conversation_id, 'LABEL_REMOVED', 'LABEL_DELETED', $3::text, $4::text, NULL, NULL, NULL, NULL,
             jsonb_build_object('labelId', $2::uuid, 'labelName', name)
      FROM detached
    )
    DELETE FROM label WHERE tenant_id = $1 AND id = $2""";

  /** The conversation (locked against a concurrent move) and the label, with their inboxes. */
  static final String LOCK_PAIR = """
    SELECT c.inbox_id AS conversation_inbox, l.inbox_id AS label_inbox, l.name AS label_name
    FROM conversation_ref c LEFT JOIN label l ON l.tenant_id = c.tenant_id AND l.id = $3
    WHERE c.tenant_id = $1 AND c.id = $2 AND""" + " " + Conversation.visibleTo("$4") + " FOR UPDATE OF c";

  static final String ATTACH = """
    WITH attached AS (
      INSERT INTO conversation_label (conversation_id, label_id, tenant_id) VALUES ($2, $3, $1)
      ON CONFLICT DO NOTHING
      RETURNING conversation_id
    )
    """ + EventLog.INSERT_INTO + """
    SELECT $1, conversation_id, 'LABEL_ADDED', NULL, $4::text, $5::text, NULL, NULL, NULL, NULL,
           jsonb_build_object('labelId', $3::uuid, 'labelName', $6::text)
    FROM attached""";

  static final String DETACH = """
    WITH detached AS (
      DELETE FROM conversation_label WHERE conversation_id = $2 AND label_id = $3
      RETURNING conversation_id
    )
    """ + EventLog.INSERT_INTO + """
    SELECT $1, conversation_id, 'LABEL_REMOVED', NULL, $4::text, $5::text, NULL, NULL, NULL, NULL,
           jsonb_build_object('labelId', $3::uuid, 'labelName', $6::text)
    FROM detached""";

  static final String CONVERSATION = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";
}
