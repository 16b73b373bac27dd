package io.inboxallocation.inbox;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

public record Subscription(UUID id, UUID tenantId, UUID operatorId, UUID inboxId, Instant createdAt) {

  static final String COLUMNS = "id, tenant_id, operator_id, inbox_id, created_at";

  static Subscription from(Row row) {
    return new Subscription(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("operator_id"),
      row.getUUID("inbox_id"), Rows.instant(row, "created_at"));
  }

  /** A subscription and whether this request created it (201) or found it (200). */
  public record Created(Subscription subscription, boolean created) {
  }
}
