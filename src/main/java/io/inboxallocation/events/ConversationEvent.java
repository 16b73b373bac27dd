package io.inboxallocation.events;

import io.inboxallocation.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One entry of a conversation's audit trail. */
public record ConversationEvent(long id, UUID conversationId, String type, String reason, String actorId,
                                String actorRole, String fromState, String toState, UUID operatorId,
                                UUID previousOperatorId, Map<String, Object> details, Instant occurredAt) {

  public static ConversationEvent from(Row row) {
    Object details = row.getValue("details");
    return new ConversationEvent(row.getLong("id"), row.getUUID("conversation_id"), row.getString("type"),
      row.getString("reason"), row.getString("actor_id"), row.getString("actor_role"), row.getString("from_state"),
      row.getString("to_state"), row.getUUID("operator_id"), row.getUUID("previous_operator_id"),
      details instanceof JsonObject json ? json.getMap() : Map.of(), Rows.instant(row, "occurred_at"));
  }
}
