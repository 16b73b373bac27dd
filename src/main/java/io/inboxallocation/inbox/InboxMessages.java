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

  public record CreateInbox(Actor actor, String phoneNumber, String displayName) implements Request<Inbox> {
  }

  /** Null fields are left as they are. */
  public record UpdateInbox(Actor actor, UUID inboxId, String phoneNumber, String displayName) implements Request<Inbox> {
  }

  public record DeleteInbox(Actor actor, UUID inboxId) implements Request<Void> {
  }

  public record ListInboxes(Actor actor) implements Request<Items<Inbox>> {
  }

  public record GetInbox(Actor actor, UUID inboxId) implements Request<Inbox> {
  }

  public record Subscribe(Actor actor, UUID operatorId, UUID inboxId) implements Request<Subscription.Created> {
  }

  public record Unsubscribe(Actor actor, UUID subscriptionId) implements Request<Void> {
  }

  public record ListSubscriptions(UUID tenantId, UUID operatorId, UUID inboxId) implements Request<Items<Subscription>> {
  }
}
