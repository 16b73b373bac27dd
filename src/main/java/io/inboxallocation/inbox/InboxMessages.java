package io.inboxallocation.inbox;

import io.inboxallocation.auth.Actor;

import java.util.UUID;

/** Event-bus messages of inboxes and operator-inbox subscriptions; each carries its address. */
public final class InboxMessages {

  private InboxMessages() {
  }

  public record CreateInbox(UUID tenantId, String phoneNumber, String displayName) {
    public static final String ADDRESS = "inbox.create";
  }

  /** Null fields are left as they are. */
  public record UpdateInbox(UUID tenantId, UUID inboxId, String phoneNumber, String displayName) {
    public static final String ADDRESS = "inbox.update";
  }

  public record DeleteInbox(UUID tenantId, UUID inboxId) {
    public static final String ADDRESS = "inbox.delete";
  }

  public record ListInboxes(Actor actor) {
    public static final String ADDRESS = "inbox.list";
  }

  public record GetInbox(Actor actor, UUID inboxId) {
    public static final String ADDRESS = "inbox.get";
  }

  public record Subscribe(UUID tenantId, UUID operatorId, UUID inboxId) {
    public static final String ADDRESS = "subscription.create";
  }

  public record Unsubscribe(UUID tenantId, UUID subscriptionId) {
    public static final String ADDRESS = "subscription.delete";
  }

  public record ListSubscriptions(UUID tenantId, UUID operatorId, UUID inboxId) {
    public static final String ADDRESS = "subscription.list";
  }
}
