package io.inboxallocation.events;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The append-only audit log ({@code domain_event}). Events are written in the same statement or transaction as the
 * change they record, so the log and the state never disagree. {@link #append()} is the one way to write one: each
 * value is named by its column, and a column not named takes its default (NULL, or {@code '{}'} for details).
 */
public final class EventLog {

  public enum Column {
    TENANT_ID, INBOX_ID, CONVERSATION_ID, TYPE, REASON, ACTOR_ID, ACTOR_ROLE, FROM_STATE, TO_STATE, OPERATOR_ID,
    PREVIOUS_OPERATOR_ID, DETAILS;

    String sql() {
      return name().toLowerCase();
    }
  }

  public static final String READ = """
    SELECT id, inbox_id, conversation_id, type, reason, actor_id, actor_role, from_state, to_state, operator_id,
           previous_operator_id, details, occurred_at
    FROM domain_event""";

  private EventLog() {
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
