package io.inboxallocation.conversation;

/** QUEUED → ALLOCATED → RESOLVED; ALLOCATED → QUEUED on release; RESOLVED → QUEUED when the customer writes again. */
public enum ConversationState {
  QUEUED, ALLOCATED, RESOLVED;

  /**
   * The state as an SQL literal. Only for predicates that must match a partial index ({@code WHERE state = 'QUEUED'}):
   * PostgreSQL uses such an index only when the query names the same literal, never for a bound parameter.
   */
  public String literal() {
    return "'" + name() + "'";
  }
}
