package io.inboxallocation.conversation;

import io.inboxallocation.db.Rows;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A conversation as the API shows it. The ordering keys stay internal: they only feed cursors. */
public record Conversation(UUID id, UUID tenantId, UUID inboxId, String externalConversationId,
                           String customerPhoneNumber, ConversationState state, UUID assignedOperatorId, Instant lastMessageAt,
                           int messageCount, double priorityScore, List<LabelRef> labels, Instant createdAt,
                           Instant updatedAt, Instant resolvedAt) {

  /**
   * The select list for a conversation {@code c} of tenant {@code t}: use {@link #selectFrom}.
   * priorityScore = stored rank + delayWeight * now (ARCHITECTURE.md section 4).
   */
  private static final String COLUMNS = """
    c.id, c.tenant_id, c.inbox_id, c.external_conversation_id, c.customer_phone_number, c.state,
    c.assigned_operator_id, c.last_message_at, c.message_count, c.priority_rank, c.last_activity_at,
    c.priority_rank + t.delay_weight * extract(epoch FROM now())::double precision AS priority_score,
    (SELECT coalesce(json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color) ORDER BY l.name, l.id),
                     '[]'::json)
       FROM conversation_label cl JOIN label l ON l.id = cl.label_id
      WHERE cl.conversation_id = c.id) AS labels,
    c.created_at, c.updated_at, c.resolved_at""";

  /**
   * {@code SELECT <conversation columns> FROM source c JOIN tenant t}: the tenant is joined once (its weight gives the
   * score), and {@code source} may be a table or a CTE of updated rows. Append WHERE / ORDER BY as needed.
   */
  public static String selectFrom(String source) {
    return "SELECT " + COLUMNS + " FROM " + source + " c JOIN tenant t ON t.id = c.tenant_id";
  }

  /** {@link #selectFrom(String)} with more columns after the conversation's. */
  public static String selectFrom(String source, String moreColumns) {
    return "SELECT " + COLUMNS + ", " + moreColumns + " FROM " + source + " c JOIN tenant t ON t.id = c.tenant_id";
  }

  public static Conversation from(Row row) {
    return new Conversation(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("inbox_id"),
      row.getString("external_conversation_id"), row.getString("customer_phone_number"), ConversationState.valueOf(row.getString("state")),
      row.getUUID("assigned_operator_id"), Rows.instant(row, "last_message_at"), row.getInteger("message_count"),
      row.getDouble("priority_score"), labels(row.getValue("labels")), Rows.instant(row, "created_at"),
      Rows.instant(row, "updated_at"), Rows.instant(row, "resolved_at"));
  }

  /** The position of a row in a listing, for keyset cursors. */
  static SortKey sortKey(Row row) {
    OffsetDateTime activity = row.getOffsetDateTime("last_activity_at");
    return new SortKey(row.getDouble("priority_rank"), activity, row.getUUID("id"));
  }

  private static List<LabelRef> labels(Object json) {
    JsonArray array = json instanceof JsonArray a ? a : new JsonArray(String.valueOf(json));
    return array.stream().map(JsonObject.class::cast)
      .map(l -> new LabelRef(UUID.fromString(l.getString("id")), l.getString("name"), l.getString("color")))
      .toList();
  }

  public record LabelRef(UUID id, String name, String color) {
  }

  record SortKey(double rank, OffsetDateTime activity, UUID id) {
  }
}
