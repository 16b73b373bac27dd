package io.inboxallocation.events;

import io.inboxallocation.json.ApiJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.EnumMap;
import java.util.UUID;
import java.util.Map;
import java.util.stream.Collectors;

import static io.inboxallocation.events.EventLog.Column.ACTOR_ID;
import static io.inboxallocation.events.EventLog.Column.ACTOR_ROLE;
import static io.inboxallocation.events.EventLog.Column.DETAILS;
import static io.inboxallocation.events.EventLog.Column.INBOX_ID;
import static io.inboxallocation.events.EventLog.Column.OPERATOR_ID;
import static io.inboxallocation.events.EventLog.Column.TENANT_ID;
import static io.inboxallocation.events.EventLog.Column.TYPE;

/**
 * The append-only event log ({@code domain_event}): the audit trail of conversations and the source of the event feed
 * ({@link io.inboxallocation.feed}). Events are written in the same statement or transaction as the
 * change they record, so the log and the state never disagree. {@link #append()} is the one way to write one: each
 * value is named by its column, and a column not named takes its default (NULL, or {@code '{}'} for details).
 */
public final class EventLog {

  public enum Column {
    TENANT_ID, INBOX_ID, CONVERSATION_ID, TYPE, REASON, ACTOR_ID, ACTOR_ROLE, FROM_STATE, TO_STATE, OPERATOR_ID,
    PREVIOUS_OPERATOR_ID, DETAILS, CONVERSATION;

    String sql() {
      return name().toLowerCase();
    }
  }

  public static final String READ = """
    SELECT id, inbox_id, conversation_id, type, reason, actor_id, actor_role, from_state, to_state, operator_id,
           previous_operator_id, details, occurred_at
    FROM domain_event""";

  /** An event that is not about a conversation: $1 tenant, $2 type, $3 actor id, $4 actor role, $5 inbox, $6 operator, $7 details. */
  private static final String RECORD = append()
    .set(TENANT_ID, "$1").set(TYPE, "$2").set(ACTOR_ID, "$3").set(ACTOR_ROLE, "$4").set(INBOX_ID, "$5")
    .set(OPERATOR_ID, "$6").set(DETAILS, "$7::jsonb")
    .from("(SELECT) AS one");

  private EventLog() {
  }

  /**
   * Records a change of something other than a conversation, in the caller's transaction. {@code details} is the
   * changed thing as the API shows it; {@code inboxId} and {@code operatorId} say whom the event concerns (an operator
   * sees the events of their inboxes and those about themselves).
   */
  public static Future<Void> record(SqlClient tx, UUID tenantId, EventActor actor, EventType type, UUID inboxId,
                                    UUID operatorId, Object details) {
    return tx.preparedQuery(RECORD)
      .execute(Tuple.of(tenantId, type.name(), actor.id(), actor.role(), inboxId, operatorId)
        .addValue(new JsonObject(ApiJson.encode(details))))
      .mapEmpty();
  }

  public static Append append() {
    return new Append();
  }

  /** {@code INSERT INTO domain_event (<named columns>) SELECT <their values> FROM <source>}. */
  public static final class Append {

    private final Map<Column, String> values = new EnumMap<>(Column.class);

    private Append() {
    }

    /** The SQL expression, over the source's columns or bound parameters, that gives this column. */
    public Append set(Column column, String expression) {
      values.put(column, expression);
      return this;
    }

    public String from(String source) {
      return "INSERT INTO domain_event ("
        + values.keySet().stream().map(Column::sql).collect(Collectors.joining(", "))
        + ")\nSELECT " + String.join(", ", values.values()) + "\nFROM " + source;
    }
  }
}
