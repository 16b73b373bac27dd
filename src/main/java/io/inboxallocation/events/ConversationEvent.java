package io.inboxallocation.events;

import io.inboxallocation.conversation.ConversationState;
import io.inboxallocation.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** One entry of a conversation's audit trail. */
public record ConversationEvent(long id, UUID conversationId, EventType type, EventReason reason, String actorId,
                                String actorRole, ConversationState fromState, ConversationState toState, UUID operatorId,
                                UUID previousOperatorId, Map<String, Object> details, Instant occurredAt) {

  public static ConversationEvent from(Row row) {
    Object details = row.getValue("details");
    return new ConversationEvent(row.getLong("id"), row.getUUID("conversation_id"),
      EventType.valueOf(row.getString("type")), optional(row.getString("reason"), EventReason::valueOf),
      row.getString("actor_id"), row.getString("actor_role"),
      optional(row.getString("from_state"), ConversationState::valueOf),
      optional(row.getString("to_state"), ConversationState::valueOf), row.getUUID("operator_id"), row.getUUID("previous_operator_id"),
      details instanceof JsonObject json ? json.getMap() : Map.of(), Rows.instant(row, "occurred_at"));
  }

  private static <T> T optional(String value, Function<String, T> parse) {
    return value == null ? null : parse.apply(value);
  }
}
