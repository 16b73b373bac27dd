package io.inboxallocation.tenant;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

public record Tenant(UUID id, String name, double messageCountWeight, double delayWeight, int gracePeriodSeconds,
                     Instant createdAt) {

  static final String COLUMNS = "id, name, message_count_weight, delay_weight, grace_period_seconds, created_at";

  static Tenant from(Row row) {
    return new Tenant(row.getUUID("id"), row.getString("name"), row.getDouble("message_count_weight"),
      row.getDouble("delay_weight"), row.getInteger("grace_period_seconds"), Rows.instant(row, "created_at"));
  }
}
