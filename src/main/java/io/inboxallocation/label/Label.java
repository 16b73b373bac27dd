package io.inboxallocation.label;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

public record Label(UUID id, UUID tenantId, UUID inboxId, String name, String color, UUID createdBy,
                    Instant createdAt) {

  static final String COLUMNS = "l.id, l.tenant_id, l.inbox_id, l.name, l.color, l.created_by, l.created_at";

  static Label from(Row row) {
    return new Label(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("inbox_id"), row.getString("name"),
      row.getString("color"), row.getUUID("created_by"), Rows.instant(row, "created_at"));
  }
}
