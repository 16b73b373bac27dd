package io.inboxallocation.conversation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.inboxallocation.auth.Visibility;
import io.vertx.sqlclient.Row;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A conversation as the API shows it. PostgreSQL renders it as JSON ({@link #selectFrom}) and the service passes that
 * text through untouched: one definition of the shape, and no per-row mapping work on the hot listing path. The
 * ordering keys stay internal: they only feed cursors.
 */
@JsonSerialize(using = Conversation.AsRawJson.class)
public record Conversation(String json) {

  /**
   * The conversation {@code c} of tenant {@code t} as JSON text: an SQL expression, also stored in each event.
   * priorityScore = stored rank + delayWeight * now (docs/ARCHITECTURE.md, "Priority").
   */
  public static final String JSON_TEXT = """
    json_build_object(
      'id', c.id, 'tenantId', c.tenant_id, 'inboxId', c.inbox_id,
      'externalConversationId', c.external_conversation_id, 'customerPhoneNumber', c.customer_phone_number,
      'state', c.state, 'assignedOperatorId', c.assigned_operator_id, 'lastMessageAt', api_instant(c.last_message_at),
      'messageCount', c.message_count,
      'priorityScore', c.priority_rank + t.delay_weight * extract(epoch FROM now())::double precision,
      'labels', (SELECT coalesce(json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color)
                                          ORDER BY l.name, l.id), '[]'::json)
                   FROM conversation_label cl JOIN label l ON l.id = cl.label_id
                  WHERE cl.conversation_id = c.id),
      'createdAt', api_instant(c.created_at), 'updatedAt', api_instant(c.updated_at),
      'resolvedAt', api_instant(c.resolved_at))::text""";

  /**
   * The conversation {@code c} with id $2 of tenant $1, if the scope in $3 may see it ({@link Visibility}): what
   * {@code GET /conversations/{id}} reads, and what its history and contact look up before asking the orchestrator, so
   * that all three answer 404 alike.
   */
  public static final String VISIBLE_BY_ID = "c.tenant_id = $1 AND c.id = $2 AND " + Visibility.conversation("$3");

  private static final String JSON = JSON_TEXT + " AS conversation, c.id, c.priority_rank, c.last_activity_at";

  /**
   * {@code SELECT <conversation as JSON, id, ordering keys> FROM source c JOIN tenant t}: the tenant is joined once
   * (its weight gives the score), and {@code source} may be a table or a CTE of changed rows. Append WHERE / ORDER BY.
   */
  public static String selectFrom(String source) {
    return "SELECT " + JSON + " FROM " + withTenant(source);
  }

  /** {@code source c JOIN tenant t}: what {@link #JSON_TEXT} reads from. */
  public static String withTenant(String source) {
    return source + " c JOIN tenant t ON t.id = c.tenant_id";
  }

  /** {@link #selectFrom(String)} with more columns after the conversation's. */
  public static String selectFrom(String source, String moreColumns) {
    return "SELECT " + JSON + ", " + moreColumns + " FROM " + withTenant(source);
  }

  public static Conversation from(Row row) {
    return new Conversation(row.getString("conversation"));
  }

  /** The position of a row in a listing, for keyset cursors. */
  static SortKey sortKey(Row row) {
    OffsetDateTime activity = row.getOffsetDateTime("last_activity_at");
    return new SortKey(row.getDouble("priority_rank"), activity, row.getUUID("id"));
  }

  record SortKey(double rank, OffsetDateTime activity, UUID id) {
  }

  /** Writes the JSON text as it came from PostgreSQL. */
  static final class AsRawJson extends StdSerializer<Conversation> {
    AsRawJson() {
      super(Conversation.class);
    }

    @Override
    public void serialize(Conversation conversation, JsonGenerator json, SerializerProvider provider) throws IOException {
      json.writeRawValue(conversation.json());
    }
  }
}
