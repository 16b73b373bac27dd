package io.inboxallocation.status;

import io.inboxallocation.assignment.Capacity;
import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

/**
 * @param activeConversations the ALLOCATED conversations they hold
 * @param capacity            how many they may hold at once; null: unlimited
 */
public record OperatorStatus(UUID operatorId, Availability status, Instant lastStatusChangeAt, long activeConversations,
                             Integer capacity) {

  /** The columns {@link #from} reads, of {@code operator_status s}. */
  static final String COLUMNS = "s.operator_id, s.status, s.last_status_change_at, "
    + Capacity.activeOf("s.operator_id") + " AS active_conversations, " + Capacity.limitOf("s.operator_id") + " AS capacity";

  static OperatorStatus from(Row row) {
    return new OperatorStatus(row.getUUID("operator_id"), Availability.valueOf(row.getString("status")),
      Rows.instant(row, "last_status_change_at"), row.getLong("active_conversations"), row.getInteger("capacity"));
  }
}
