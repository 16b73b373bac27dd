package io.inboxallocation.status;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

public record OperatorStatus(UUID operatorId, Availability status, Instant lastStatusChangeAt) {

  static final String COLUMNS = "operator_id, status, last_status_change_at";

  static OperatorStatus from(Row row) {
    return new OperatorStatus(row.getUUID("operator_id"), Availability.valueOf(row.getString("status")),
      Rows.instant(row, "last_status_change_at"));
  }
}
