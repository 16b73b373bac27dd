package io.inboxallocation.inbox;

import io.inboxallocation.bus.Items;
import io.inboxallocation.bus.Request;
import io.inboxallocation.auth.Actor;

import java.util.UUID;

/**
 * Event-bus messages of inboxes and operator-inbox subscriptions; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 */
public final class InboxMessages {

  private InboxMessages() {
  }

  public record CreateInbox(UUID tenantId, String phoneNumber, String displayName) implements Request<Inbox> {
  }

  /** Null fields are left as they are. */
  public record UpdateInbox(UUID tenantId, UUID inboxId, String phoneNumber, String displayName) implements Request<Inbox> {
  }

  public record DeleteInbox(UUID tenantId, UUID inboxId) implements Request<Void> {
  }

  public record ListInboxes(Actor actor) implements Request<Items<Inbox>> {
  }

  public record GetInbox(Actor actor, UUID inboxId) implements Request<Inbox> {
  }

  public record Subscribe(UUID tenantId, UUID operatorId, UUID inboxId) implements Request<Subscription.Created> {
  }

  public record Unsubscribe(UUID tenantId, UUID subscriptionId) implements Request<Void> {
  }

  public record ListSubscriptions(UUID tenantId, UUID operatorId, UUID inboxId) implements Request<Items<Subscription>> {
  }
}
