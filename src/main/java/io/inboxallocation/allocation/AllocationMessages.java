package io.inboxallocation.allocation;

import io.inboxallocation.bus.Request;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.auth.Actor;

import java.util.UUID;

/**
 * Event-bus messages of the allocation commands; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 * Replies are conversations (null: none).
 */
public final class AllocationMessages {

  private AllocationMessages() {
  }

  public record Allocate(Actor actor) implements Request<Conversation> {
  }

  public record Claim(Actor actor, UUID conversationId) implements Request<Conversation> {
  }

  public record Resolve(Actor actor, UUID conversationId) implements Request<Conversation> {
  }

  public record Deallocate(Actor actor, UUID conversationId) implements Request<Conversation> {
  }

  public record Reassign(Actor actor, UUID conversationId, UUID newOperatorId) implements Request<Conversation> {
  }

  public record MoveInbox(Actor actor, UUID conversationId, UUID newInboxId) implements Request<Conversation> {
  }
}
