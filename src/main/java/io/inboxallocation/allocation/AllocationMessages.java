package io.inboxallocation.allocation;

import io.inboxallocation.auth.Actor;

import java.util.UUID;

/** Event-bus messages of the allocation commands; each carries its address. Replies are conversations (null: none). */
public final class AllocationMessages {

  private AllocationMessages() {
  }

  public record Allocate(Actor actor) {
    public static final String ADDRESS = "allocation.allocate";
  }

  public record Claim(Actor actor, UUID conversationId) {
    public static final String ADDRESS = "allocation.claim";
  }

  public record Resolve(Actor actor, UUID conversationId) {
    public static final String ADDRESS = "allocation.resolve";
  }

  public record Deallocate(Actor actor, UUID conversationId) {
    public static final String ADDRESS = "allocation.deallocate";
  }

  public record Reassign(Actor actor, UUID conversationId, UUID newOperatorId) {
    public static final String ADDRESS = "allocation.reassign";
  }

  public record MoveInbox(Actor actor, UUID conversationId, UUID newInboxId) {
    public static final String ADDRESS = "allocation.move-inbox";
  }
}
