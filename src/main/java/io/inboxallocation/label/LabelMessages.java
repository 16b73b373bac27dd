package io.inboxallocation.label;

import io.inboxallocation.auth.Actor;

import java.util.UUID;

/** Event-bus messages of labels; each carries its address. */
public final class LabelMessages {

  private LabelMessages() {
  }

  public record CreateLabel(Actor actor, UUID inboxId, String name, String color) {
    public static final String ADDRESS = "label.create";
  }

  /** Null fields are left as they are. */
  public record UpdateLabel(Actor actor, UUID labelId, String name, String color) {
    public static final String ADDRESS = "label.update";
  }

  public record DeleteLabel(Actor actor, UUID labelId) {
    public static final String ADDRESS = "label.delete";
  }

  public record ListLabels(Actor actor, UUID inboxId) {
    public static final String ADDRESS = "label.list";
  }

  public record GetLabel(Actor actor, UUID labelId) {
    public static final String ADDRESS = "label.get";
  }

  public record AttachLabel(Actor actor, UUID conversationId, UUID labelId) {
    public static final String ADDRESS = "label.attach";
  }

  public record DetachLabel(Actor actor, UUID conversationId, UUID labelId) {
    public static final String ADDRESS = "label.detach";
  }
}
