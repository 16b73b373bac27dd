package io.inboxallocation.inbox;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

public record Inbox(UUID id, UUID tenantId, String phoneNumber, String displayName, Instant createdAt) {

  static final String COLUMNS = "i.id, i.tenant_id, i.phone_number, i.display_name, i.created_at";

  static Inbox from(Row row) {
    return new Inbox(row.getUUID("id"), row.getUUID("tenant_id"), row.getString("phone_number"),
      row.getString("display_name"), Rows.instant(row, "created_at"));
  }
}
