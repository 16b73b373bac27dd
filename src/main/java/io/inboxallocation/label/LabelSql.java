package io.inboxallocation.label;

import io.inboxallocation.auth.Visibility;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.events.EventLog;

import static io.inboxallocation.events.EventLog.Column.ACTOR_ID;
import static io.inboxallocation.events.EventLog.Column.ACTOR_ROLE;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION;
import static io.inboxallocation.events.EventLog.Column.CONVERSATION_ID;
import static io.inboxallocation.events.EventLog.Column.OPERATOR_ID;
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

  /** Detaches the label ($2) from every conversation; then {@link #LOG_LABEL_CHANGE}, then {@link #DELETE}. */
  static final String DETACH_EVERYWHERE = """
    DELETE FROM conversation_label cl USING label l
    WHERE cl.label_id = l.id AND l.tenant_id = $1 AND l.id = $2
    RETURNING cl.conversation_id""";

  static final String DELETE = "DELETE FROM label l WHERE tenant_id = $1 AND id = $2 RETURNING " + Label.COLUMNS;

  /** The conversation (locked against a concurrent move) and the label, with their inboxes. */
  static final String LOCK_PAIR = """
    SELECT c.inbox_id AS conversation_inbox, l.inbox_id AS label_inbox, l.name AS label_name
    FROM conversation_ref c LEFT JOIN label l ON l.tenant_id = c.tenant_id AND l.id = $3
    WHERE c.tenant_id = $1 AND c.id = $2 AND""" + " " + Visibility.conversation("$4") + " FOR UPDATE OF c";

  static final String ATTACH = """
    INSERT INTO conversation_label (conversation_id, label_id, tenant_id) VALUES ($2, $3, $1)
    ON CONFLICT DO NOTHING
    RETURNING conversation_id""";

  static final String DETACH = """
    DELETE FROM conversation_label WHERE tenant_id = $1 AND conversation_id = $2 AND label_id = $3
    RETURNING conversation_id""";

  static final String CURRENT_CONVERSATION = Conversation.selectFrom("conversation_ref") + " WHERE c.id = $1";

  /**
   * The events of a label attached to or detached from conversations $2 (an array), in a statement after the change
   * so that each event's conversation shows it: $1 tenant, $3 label, $4 actor id, $5 actor role, $6 label name,
   * $7 event type, $8 reason. Returns the conversations as the API shows them.
   */
  static final String LOG_LABEL_CHANGE = EventLog.append()
    .set(TENANT_ID, "c.tenant_id").set(INBOX_ID, "c.inbox_id").set(CONVERSATION_ID, "c.id")
    .set(TYPE, "$7::text").set(REASON, "$8::text").set(ACTOR_ID, "$4::text").set(ACTOR_ROLE, "$5::text")
    .set(OPERATOR_ID, "c.assigned_operator_id")
    .set(DETAILS, "jsonb_build_object('labelId', $3::uuid, 'labelName', $6::text)")
    .set(CONVERSATION, Conversation.JSON_TEXT)
    .from(Conversation.withTenant("conversation_ref") + " WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[])")
    + "\nRETURNING conversation";
}
