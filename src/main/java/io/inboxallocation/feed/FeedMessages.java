package io.inboxallocation.feed;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.bus.Request;

import java.util.List;

/** Event-bus messages of the feed; each is a {@link Request}, addressed by its class. */
public final class FeedMessages {

  private FeedMessages() {
  }

  /** Up to {@code limit} events visible to the actor after position {@code after}; null: none, only the head. */
  public record ReadFeed(Actor actor, Long after, int limit) implements Request<FeedPage> {
  }

  /**
   * Every event of the tenant after {@code after} (null: none, only the head), up to {@code limit}, for a reader that
   * filters on its own (a WebSocket resuming).
   */
  public record ReplayFeed(java.util.UUID tenantId, Long after, int limit) implements Request<FeedPage> {
  }

  /** Events in feed order, and the cursor to continue from (past every event this read could see). */
  public record FeedPage(List<FeedEvent> items, long next) {
  }
}
