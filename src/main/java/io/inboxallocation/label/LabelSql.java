package io.inboxallocation.label;

import io.inboxallocation.auth.Visibility;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.events.EventLog;

import static io.inboxallocation.events.EventLog.Column.ACTOR_ID;
import static io.inboxallocation.events.EventLog.Column.ACTOR_ROLE;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION_ID;
import static io.inboxallocation.events.EventLog.Column.DETAILS;
import static io.inboxallocation.events.EventLog.Column.INBOX_ID;
import static io.inboxallocation.events.EventLog.Column.REASON;
import static io.inboxallocation.events.EventLog.Column.TENANT_ID;
import static io.inboxallocation.events.EventLog.Column.TYPE;

/** Statements of the label verticles. Operators ($ scope parameter set) only reach labels of their subscribed inboxes. */
final class LabelSql {

  private LabelSql() {
  }

  static final String SELECT = "SELECT " + Label.COLUMNS + " FROM label l WHERE l.tenant_id = $1 AND l.id = $2 AND "
    + Visibility.inbox("$3", "l.inbox_id");

  static final String LIST = "SELECT " + Label.COLUMNS + " FROM label l WHERE l.tenant_id = $1 AND "
    + "($2::uuid IS NULL OR l.inbox_id = $2) AND " + Visibility.inbox("$3", "l.inbox_id")
    + " ORDER BY l.inbox_id, lower(l.name), l.id";

  static final String INSERT = """
    INSERT INTO label AS l (id, tenant_id, inbox_id, name, color, created_by)
    SELECT $4, i.tenant_id, i.id, $5, $6, $7
    FROM inbox i
    WHERE i.tenant_id = $1 AND i.id = $2 AND""" + " " + Visibility.inbox("$3", "i.id") + """

    RETURNING""" + " " + Label.COLUMNS;

  static final String UPDATE = """
    UPDATE label l SET name = coalesce($3, name), color = coalesce($4, color)
    WHERE l.tenant_id = $1 AND l.id = $2
    RETURNING""" + " " + Label.COLUMNS;

  /** Detaches everywhere with an event per conversation ($5 type, $6 reason), then deletes. */
  static final String DELETE = """
    WITH detached AS (
      DELETE FROM conversation_label cl USING label l
      WHERE cl.label_id = l.id AND l.tenant_id = $1 AND l.id = $2
      RETURNING cl.conversation_id, cl.tenant_id, l.inbox_id, l.name
    ), logged AS (
    """ + EventLog.append()
      .set(TENANT_ID, "tenant_id").set(INBOX_ID, "inbox_id").set(CONVERSATION_ID, "conversation_id")
      .set(TYPE, "$5::text").set(REASON, "$6::text").set(ACTOR_ID, "$3::text").set(ACTOR_ROLE, "$4::text")
      .set(DETAILS, "jsonb_build_object('labelId', $2::uuid, 'labelName', name)")
      .from("detached") + """

    )
    DELETE FROM label WHERE tenant_id = $1 AND id = $2""";

  /** The conversation (locked against a concurrent move) and the label, with their inboxes. */
  static final String LOCK_PAIR = """
    SELECT c.inbox_id AS conversation_inbox, l.inbox_id AS label_inbox, l.name AS label_name
    FROM conversation_ref c LEFT JOIN label l ON l.tenant_id = c.tenant_id AND l.id = $3
    WHERE c.tenant_id = $1 AND c.id = $2 AND""" + " " + Visibility.conversation("$4") + " FOR UPDATE OF c";

  static final String ATTACH = labelChange("""
    INSERT INTO conversation_label (conversation_id, label_id, tenant_id) VALUES ($2, $3, $1)
    ON CONFLICT DO NOTHING
    RETURNING conversation_id""");

  static final String DETACH = labelChange("""
    DELETE FROM conversation_label WHERE conversation_id = $2 AND label_id = $3
    RETURNING conversation_id""");

  static final String CONVERSATION = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";

  /**
   * Attach or detach, with its event only when something changed: $1 tenant, $2 conversation, $3 label, $4 actor id,
   * $5 actor role, $6 label name, $7 event type, $8 the conversation's inbox.
   */
  private static String labelChange(String change) {
    return "WITH changed AS (\n" + change + "\n)\n" + EventLog.append()
      .set(TENANT_ID, "$1").set(INBOX_ID, "$8::uuid").set(CONVERSATION_ID, "conversation_id")
      .set(TYPE, "$7::text").set(ACTOR_ID, "$4::text").set(ACTOR_ROLE, "$5::text")
      .set(DETAILS, "jsonb_build_object('labelId', $3::uuid, 'labelName', $6::text)")
      .from("changed");
  }
}
