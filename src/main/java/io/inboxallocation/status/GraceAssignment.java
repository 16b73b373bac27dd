package io.inboxallocation.status;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

/** A conversation of an OFFLINE operator that goes back to the queue at {@code expiresAt} unless they return. */
public record GraceAssignment(UUID id, UUID conversationId, UUID operatorId, Instant expiresAt, String reason) {

  static final String COLUMNS = "id, conversation_id, operator_id, expires_at, reason";

  static GraceAssignment from(Row row) {
    return new GraceAssignment(row.getUUID("id"), row.getUUID("conversation_id"), row.getUUID("operator_id"),
      Rows.instant(row, "expires_at"), row.getString("reason"));
  }
}
