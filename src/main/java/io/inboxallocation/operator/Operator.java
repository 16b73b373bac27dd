package io.inboxallocation.operator;

import io.inboxallocation.auth.Role;
import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

/** @param maxConcurrent how many conversations they may hold at once; null: the tenant's default */
public record Operator(UUID id, UUID tenantId, String name, Role role, Integer maxConcurrent, Instant createdAt) {

  static final String COLUMNS = "id, tenant_id, name, role, max_concurrent, created_at";

  static Operator from(Row row) {
    return new Operator(row.getUUID("id"), row.getUUID("tenant_id"), row.getString("name"), Role.valueOf(row.getString("role")),
      row.getInteger("max_concurrent"), Rows.instant(row, "created_at"));
  }
}
