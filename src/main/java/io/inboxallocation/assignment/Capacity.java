package io.inboxallocation.assignment;

import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

import static io.inboxallocation.conversation.ConversationState.ALLOCATED;

/**
 * How many conversations an operator may hold at once (their own {@code max_concurrent}, else the tenant's
 * {@code default_max_concurrent}, else unlimited) and how many they hold: the one rule every assignment and every
 * status read applies.
 */
public final class Capacity {

  private Capacity() {
  }

  /** The effective limit of the operator whose id is the SQL expression {@code operator}; null: unlimited. */
  public static String limitOf(String operator) {
    return "(SELECT coalesce(o.max_concurrent, t.default_max_concurrent) FROM operator o JOIN tenant t ON t.id = o.tenant_id"
      + " WHERE o.id = " + operator + ")";
  }

  /** The number of ALLOCATED conversations the operator whose id is the SQL expression {@code operator} holds. */
  public static String activeOf(String operator) {
    return "(SELECT count(*) FROM conversation_ref a WHERE a.assigned_operator_id = " + operator
      + " AND a.state = " + ALLOCATED.literal() + ")";
  }

  private static final String LOAD = "SELECT " + limitOf("$1") + " AS capacity, " + activeOf("$1") + " AS active";

  /**
   * Fails with 409 capacity-reached when the operator already holds as many conversations as they may. Exact only in
   * a transaction that locked the operator's status row (FOR UPDATE) in an earlier statement: every assignment takes
   * that lock first, and this statement's snapshot, taken once the lock was granted, counts every assignment
   * committed before.
   */
  public static Future<Void> requireRoom(SqlClient tx, UUID operatorId, String who) {
    return tx.preparedQuery(LOAD).execute(Tuple.of(operatorId)).compose(rows -> {
      Row row = rows.iterator().next();
      Integer capacity = row.getInteger("capacity");
      if (capacity != null && row.getLong("active") >= capacity) {
        return Future.failedFuture(ApiError.capacityReached(String.format(
          "%s already %s %d conversation%s, the most allowed at once", who, who.equals("you") ? "hold" : "holds",
          capacity, capacity == 1 ? "" : "s")));
      }
      return Future.succeededFuture();
    });
  }
}
