package io.inboxallocation.events;

/**
 * The append-only audit log ({@code domain_event}). Commands write their events in the same statement or transaction
 * as the state change, so the log and the state never disagree; these fragments keep the column list in one place.
 */
public final class EventLog {

  /** Insert into the log; follow with a SELECT giving the columns in this order. */
  public static final String INSERT_INTO = """
    INSERT INTO domain_event (tenant_id, conversation_id, type, reason, actor_id, actor_role, from_state, to_state,
                              operator_id, previous_operator_id, details)""";

  public static final String READ = """
    SELECT id, conversation_id, type, reason, actor_id, actor_role, from_state, to_state, operator_id,
           previous_operator_id, details, occurred_at
    FROM domain_event""";

  private EventLog() {
  }
}
