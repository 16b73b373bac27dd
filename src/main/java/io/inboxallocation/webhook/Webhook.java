package io.inboxallocation.webhook;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.inboxallocation.db.Rows;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** An endpoint of a tenant's orchestrator that receives its events; {@code eventTypes} null: every type. */
public record Webhook(UUID id, String url, List<String> eventTypes, String description, boolean enabled,
                      Instant createdAt) {

  static final String COLUMNS = "w.id, w.url, w.event_types, w.description, w.enabled, w.created_at";

  static Webhook from(Row row) {
    String[] types = row.getArrayOfStrings("event_types");
    return new Webhook(row.getUUID("id"), row.getString("url"), types == null ? null : Arrays.asList(types),
      row.getString("description"), row.getBoolean("enabled"), Rows.instant(row, "created_at"));
  }

  /** The answer to its creation: the only one, with {@link #secret()}, that carries the secret unasked. */
  public record Created(@JsonUnwrapped Webhook webhook, String secret) {
  }

  /** {@code whsec_} and the base64 of the key. */
  public record Secret(String secret) {
  }
}
