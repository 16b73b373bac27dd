package io.inboxallocation.webhook;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.db.Rows;
import io.inboxallocation.json.Nullable;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.webhook.WebhookMessages.CreateWebhook;
import io.inboxallocation.webhook.WebhookMessages.DeleteWebhook;
import io.inboxallocation.webhook.WebhookMessages.Recover;
import io.inboxallocation.webhook.WebhookMessages.Recovered;
import io.inboxallocation.webhook.WebhookMessages.RetryDelivery;
import io.inboxallocation.webhook.WebhookMessages.RotateSecret;
import io.inboxallocation.webhook.WebhookMessages.SendTest;
import io.inboxallocation.webhook.WebhookMessages.UpdateWebhook;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/** Endpoints (an ADMIN's), and the repairs of their deliveries: retry one, recover the failed, send a test. */
public final class WebhookCommands extends CommandVerticle {

  private final boolean allowPrivateNetworks;

  public WebhookCommands(Database.Clients db, boolean allowPrivateNetworks) {
    super(db);
    this.allowPrivateNetworks = allowPrivateNetworks;
  }

  @Override
  protected void serve() {
    on(CreateWebhook.class, this::create);
    on(UpdateWebhook.class, this::update);
    on(DeleteWebhook.class, this::delete);
    on(RotateSecret.class, command -> pool.preparedQuery(WebhookSql.ROTATE)
      .execute(Tuple.of(command.actor().tenantId(), command.webhookId(), Secrets.generate()))
      .compose(rows -> Rows.one(rows, row -> new Webhook.Secret(row.getString("secret")), "webhook")));
    on(RetryDelivery.class, this::retry);
    on(Recover.class, this::recover);
    on(SendTest.class, this::test);
  }

  private Future<Webhook.Created> create(CreateWebhook command) {
    String secret = Secrets.generate();
    return WebhookUrls.check(vertx, command.url(), allowPrivateNetworks)
      .compose(url -> pool.preparedQuery(WebhookSql.INSERT).execute(Tuple.of(command.actor().tenantId(),
        UUID.randomUUID(), url, types(command.eventTypes()), command.description(), secret)))
      .compose(rows -> Rows.one(rows, Webhook::from, "tenant"))
      .map(webhook -> new Webhook.Created(webhook, secret));
  }

  private Future<Webhook> update(UpdateWebhook command) {
    Future<String> url = command.url() == null ? Future.succeededFuture()
      : WebhookUrls.check(vertx, command.url(), allowPrivateNetworks);
    Nullable<List<String>> types = command.eventTypes();
    Nullable<String> description = command.description();
    // Enabling or disabling moves the endpoint's pending deliveries in or out of the due range (trigger).
    return url.compose(checked -> WebhookDispatcher.paused(pool, WebhookSql.UPDATE, Tuple.of(
        command.actor().tenantId(), command.webhookId(), checked, types != null,
        types == null ? null : types(types.value()), description != null)
        .addValue(description == null ? null : description.value()).addValue(command.enabled())))
      .compose(rows -> Rows.one(rows, Webhook::from, "webhook"))
      .onSuccess(updated -> wake());
  }

  /** The endpoint and its deliveries (a cascade), once no fan-out or outcome is being written. */
  private Future<Void> delete(DeleteWebhook command) {
    return WebhookDispatcher.paused(pool, WebhookSql.DELETE, Tuple.of(command.actor().tenantId(), command.webhookId()))
      .compose(rows -> Rows.one(rows, row -> row, "webhook")).mapEmpty();
  }

  /** A FAILED or SUCCEEDED delivery is sent again now, with the same webhook-id; a PENDING one is already on its way. */
  private Future<Delivery> retry(RetryDelivery command) {
    Tuple delivery = Tuple.of(command.actor().tenantId(), command.webhookId(), command.deliveryId());
    return pool.withTransaction(conn -> conn.preparedQuery(WebhookSql.LOCK_DELIVERY).execute(delivery)
        .compose(rows -> Rows.one(rows, Delivery::from, "delivery"))
        .compose(found -> found.status() == Delivery.Status.PENDING
          ? Future.failedFuture(ApiError.conflict("this delivery is still PENDING: it is attempted at its "
            + "nextAttemptAt, and the ones after it of the same conversation wait for it"))
          : conn.preparedQuery(WebhookSql.RETRY).execute(delivery))
        .compose(rows -> Rows.one(rows, Delivery::from, "delivery")))
      .onSuccess(again -> wake());
  }

  private Future<Recovered> recover(Recover command) {
    return pool.preparedQuery(WebhookSql.RECOVER)
      .execute(Tuple.of(command.actor().tenantId(), command.webhookId(), Rows.timestamp(command.since())))
      .compose(rows -> {
        Row row = rows.iterator().next();
        return row.getLong("found") == 0 ? Future.failedFuture(ApiError.notFound("webhook"))
          : Future.succeededFuture(new Recovered(row.getLong("recovered")));
      })
      .onSuccess(recovered -> wake());
  }

  private Future<Delivery> test(SendTest command) {
    Actor actor = command.actor();
    return pool.preparedQuery(WebhookSql.TEST).execute(Tuple.of(actor.tenantId(), command.webhookId()))
      .compose(rows -> rows.size() > 0 ? Future.succeededFuture(Delivery.from(rows.iterator().next()))
        : pool.preparedQuery(WebhookSql.SELECT).execute(Tuple.of(actor.tenantId(), command.webhookId()))
          .compose(found -> Rows.one(found, Webhook::from, "webhook"))
          .compose(disabled -> Future.failedFuture(ApiError.conflict("the webhook is disabled: enable it first"))))
      .onSuccess(sent -> wake());
  }

  private static String[] types(List<String> eventTypes) {
    return eventTypes == null ? null : eventTypes.stream().distinct().toArray(String[]::new);
  }

  /** This node's dispatcher looks for due deliveries now rather than at its next tick. */
  private void wake() {
    Bus.publish(vertx, WebhookDispatcher.Wake.NOW);
  }
}
