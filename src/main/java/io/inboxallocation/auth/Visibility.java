package io.inboxallocation.auth;

/**
 * Who may see what, the one rule every query and command applies: managers, admins and the service see the whole
 * tenant; an operator sees the inboxes they are subscribed to, with those inboxes' conversations and labels, and the
 * conversations assigned to them wherever they are. What a caller may not see answers 404, as a missing id does.
 *
 * <p>Each method gives an SQL predicate over a bound parameter that holds {@link Actor#inboxScope()}: null for those
 * who see everything, else the operator's id. The subscription list is a hashed subplan, read once per statement.
 */
public final class Visibility {

  private Visibility() {
  }

  /** The inbox whose id is {@code inboxColumn} is visible to the scope in parameter {@code scope} (e.g. "$3"). */
  public static String inbox(String scope, String inboxColumn) {
    return "(" + scope + "::uuid IS NULL OR " + inboxColumn
      + " IN (SELECT s.inbox_id FROM operator_inbox_subscription s WHERE s.operator_id = " + scope + "))";
  }

  /** The conversation {@code c} is visible: its inbox is, or it is assigned to the operator. */
  public static String conversation(String scope) {
    return "(" + inbox(scope, "c.inbox_id") + " OR c.assigned_operator_id = " + scope + ")";
  }
}
