package io.inboxallocation.webhook;

import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One event (or test) on its way to one endpoint, with what its attempts gave so far. */
public record Delivery(long id, UUID webhookId, Long eventId, String type, Status status, int attempts,
                       Instant lastAttemptAt, Instant nextAttemptAt, Integer lastStatusCode, String lastError) {

  /** PENDING until it succeeds, or until the schedule or a 410 gives up on it (FAILED, the dead letter). */
  public enum Status {
    PENDING, SUCCEEDED, FAILED
  }

  static final String COLUMNS = "d.id, d.webhook_id, d.event_id, d.type, d.status, d.attempts, d.last_attempt_at, "
    + "d.next_attempt_at, d.last_status_code, d.last_error";

  static Delivery from(Row row) {
    return new Delivery(row.getLong("id"), row.getUUID("webhook_id"), row.getLong("event_id"), row.getString("type"),
      Status.valueOf(row.getString("status")), row.getInteger("attempts"), Rows.instant(row, "last_attempt_at"),
      Rows.instant(row, "next_attempt_at"), row.getInteger("last_status_code"), row.getString("last_error"));
  }

  /** A page of deliveries, newest first; {@code nextCursor} null on the last. */
  public record Page(List<Delivery> items, String nextCursor) {
  }
}
