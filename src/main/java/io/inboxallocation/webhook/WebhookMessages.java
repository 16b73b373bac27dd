package io.inboxallocation.webhook;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.bus.Items;
import io.inboxallocation.bus.Request;
import io.inboxallocation.json.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Event-bus messages of webhooks; each is a {@link Request}, addressed by its class. */
public final class WebhookMessages {

  private WebhookMessages() {
  }

  public record CreateWebhook(Actor actor, String url, List<String> eventTypes, String description)
    implements Request<Webhook.Created> {
  }

  /** Null fields are left as they are; a {@link Nullable} sent as null clears the setting. */
  public record UpdateWebhook(Actor actor, UUID webhookId, String url, Nullable<List<String>> eventTypes,
                              Nullable<String> description, Boolean enabled) implements Request<Webhook> {
  }

  public record DeleteWebhook(Actor actor, UUID webhookId) implements Request<Void> {
  }

  public record RotateSecret(Actor actor, UUID webhookId) implements Request<Webhook.Secret> {
  }

  public record ListWebhooks(Actor actor) implements Request<Items<Webhook>> {
  }

  public record GetWebhook(Actor actor, UUID webhookId) implements Request<Webhook> {
  }

  public record GetSecret(Actor actor, UUID webhookId) implements Request<Webhook.Secret> {
  }

  /** Newest first; {@code status} null: any; {@code before} null: from the newest. */
  public record ListDeliveries(Actor actor, UUID webhookId, Delivery.Status status, int limit, Long before)
    implements Request<Delivery.Page> {
  }

  public record RetryDelivery(Actor actor, UUID webhookId, long deliveryId) implements Request<Delivery> {
  }

  public record Recover(Actor actor, UUID webhookId, Instant since) implements Request<Recovered> {
  }

  public record SendTest(Actor actor, UUID webhookId) implements Request<Delivery> {
  }

  /** How many FAILED deliveries were sent again. */
  public record Recovered(long recovered) {
  }
}
