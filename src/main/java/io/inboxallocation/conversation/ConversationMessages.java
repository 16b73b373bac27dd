package io.inboxallocation.conversation;

import io.inboxallocation.bus.Items;
import io.inboxallocation.bus.Request;
import io.inboxallocation.events.ConversationEvent;
import io.inboxallocation.auth.Actor;

import java.time.Instant;
import java.util.UUID;

/**
 * Event-bus messages of the conversation capability; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 */
public final class ConversationMessages {

  private ConversationMessages() {
  }

  /** From the orchestrator: create or update by (tenant, externalConversationId). */
  public record UpsertConversation(Actor actor, UUID inboxId, String externalConversationId, String customerPhoneNumber,
                                   Instant lastMessageAt, Integer messageCount) implements Request<Upserted> {
  }

  public record Upserted(Conversation conversation, boolean created) {
  }

  public record GetConversation(Actor actor, UUID conversationId) implements Request<Conversation> {
  }

  public record ListConversations(Actor actor, UUID inboxId, ConversationState state, UUID assignedOperatorId, UUID labelId,
                                  String customerPhoneNumber, Sort sort, int limit, Conversation.SortKey after) implements Request<Page> {
  }

  public record Page(java.util.List<Conversation> items, String nextCursor) {
  }

  public record SearchByPhone(Actor actor, String phoneNumber) implements Request<Items<Conversation>> {
  }

  public record ListEvents(Actor actor, UUID conversationId) implements Request<Items<ConversationEvent>> {
  }

  /**
   * Listing orders; every one ends on the id, so the order is total and keyset cursors are exact.
   * {@code after} places a row after the cursor's keys: $%1$d activity, $%2$d id, and for PRIORITY $%3$d rank.
   */
  public enum Sort {
    NEWEST("c.last_activity_at DESC, c.id DESC", "(c.last_activity_at, c.id) < ($%1$d, $%2$d)", false),
    OLDEST("c.last_activity_at ASC, c.id ASC", "(c.last_activity_at, c.id) > ($%1$d, $%2$d)", false),
    PRIORITY("c.priority_rank DESC, c.last_activity_at ASC, c.id ASC",
      "(c.priority_rank < $%3$d OR (c.priority_rank = $%3$d AND (c.last_activity_at, c.id) > ($%1$d, $%2$d)))", true);

    final String orderBy;
    final String after;
    final boolean byRank;

    Sort(String orderBy, String after, boolean byRank) {
      this.orderBy = orderBy;
      this.after = after;
      this.byRank = byRank;
    }
  }
}
