package io.inboxallocation.feed;

import io.inboxallocation.auth.Role;
import io.inboxallocation.events.EventType;
import io.vertx.sqlclient.Row;

import java.util.Set;
import java.util.UUID;

/**
 * One event of the feed: what a reader needs to route it (whose it is, whom it concerns) and the event as the API shows
 * it, rendered once by PostgreSQL ({@code feed_event_json}) and passed through untouched.
 *
 * @param conversationId set for the events of one conversation
 * @param fromInboxId    for MOVED, the inbox the conversation left (null otherwise)
 * @param role           for OPERATOR_UPDATED, the operator's role after the change (null otherwise)
 * @param frame           the WebSocket frame that carries this event, built once however many sockets it goes to
 */
public record FeedEvent(long position, UUID tenantId, EventType type, UUID conversationId, UUID inboxId,
                        UUID fromInboxId, UUID operatorId, UUID previousOperatorId, Role role, String json,
                        String frame) {

  /** The columns {@link #from} reads, of {@code domain_event e}. */
  static final String COLUMNS = """
    e.position, e.tenant_id, e.type, e.conversation_id, e.inbox_id, e.operator_id, e.previous_operator_id,
    CASE WHEN e.type = 'MOVED' THEN (e.details ->> 'fromInboxId')::uuid END AS from_inbox_id,
    CASE WHEN e.type = 'OPERATOR_UPDATED' THEN e.details ->> 'role' END AS role, feed_event_json(e) AS json""";

  static FeedEvent from(Row row) {
    String role = row.getString("role");
    long position = row.getLong("position");
    String json = row.getString("json");
    return new FeedEvent(position, row.getUUID("tenant_id"), EventType.valueOf(row.getString("type")),
      row.getUUID("conversation_id"), row.getUUID("inbox_id"), row.getUUID("from_inbox_id"), row.getUUID("operator_id"), row.getUUID("previous_operator_id"),
      role == null ? null : Role.valueOf(role), json,
      "{\"type\":\"event\",\"cursor\":\"" + FeedCursor.format(position) + "\",\"event\":" + json + "}");
  }

  /** Whether the event concerns this operator: it is about them, or about a conversation they held or now hold. */
  public boolean concerns(UUID operator) {
    return operator.equals(operatorId) || operator.equals(previousOperatorId);
  }

  /** Whether it happened in one of these inboxes, or moved a conversation out of one (so that it left that view). */
  public boolean inAnyOf(Set<UUID> inboxes) {
    return (inboxId != null && inboxes.contains(inboxId)) || (fromInboxId != null && inboxes.contains(fromInboxId));
  }
}
