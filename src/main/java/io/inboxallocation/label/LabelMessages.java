package io.inboxallocation.label;

import io.inboxallocation.bus.Items;
import io.inboxallocation.bus.Request;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.auth.Actor;

import java.util.UUID;

/**
 * Event-bus messages of labels; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 */
public final class LabelMessages {

  private LabelMessages() {
  }

  public record CreateLabel(Actor actor, UUID inboxId, String name, String color) implements Request<Label> {
  }

  /** Null fields are left as they are. */
  public record UpdateLabel(Actor actor, UUID labelId, String name, String color) implements Request<Label> {
  }

  public record DeleteLabel(Actor actor, UUID labelId) implements Request<Void> {
  }

  public record ListLabels(Actor actor, UUID inboxId) implements Request<Items<Label>> {
  }

  public record GetLabel(Actor actor, UUID labelId) implements Request<Label> {
  }

  public record AttachLabel(Actor actor, UUID conversationId, UUID labelId) implements Request<Conversation> {
  }

  public record DetachLabel(Actor actor, UUID conversationId, UUID labelId) implements Request<Conversation> {
  }
}
