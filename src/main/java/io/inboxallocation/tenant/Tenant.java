package io.inboxallocation.tenant;

import io.inboxallocation.assignment.AssignmentMode;
import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

/**
 * @param defaultMaxConcurrent how many conversations an operator may hold at once unless their own limit says
 *                             otherwise; null: unlimited
 */
public record Tenant(UUID id, String name, double messageCountWeight, double delayWeight, int gracePeriodSeconds,
                     Integer defaultMaxConcurrent, AssignmentMode assignmentMode, Instant createdAt) {

  static final String COLUMNS = "id, name, message_count_weight, delay_weight, grace_period_seconds, "
    + "default_max_concurrent, assignment_mode, created_at";

  static Tenant from(Row row) {
    return new Tenant(row.getUUID("id"), row.getString("name"), row.getDouble("message_count_weight"),
      row.getDouble("delay_weight"), row.getInteger("grace_period_seconds"), row.getInteger("default_max_concurrent"),
      AssignmentMode.valueOf(row.getString("assignment_mode")), Rows.instant(row, "created_at"));
  }
}
