package io.inboxallocation.webhook;

import io.inboxallocation.auth.Role;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.webhook.WebhookMessages.CreateWebhook;
import io.inboxallocation.webhook.WebhookMessages.DeleteWebhook;
import io.inboxallocation.webhook.WebhookMessages.GetSecret;
import io.inboxallocation.webhook.WebhookMessages.GetWebhook;
import io.inboxallocation.webhook.WebhookMessages.ListDeliveries;
import io.inboxallocation.webhook.WebhookMessages.ListWebhooks;
import io.inboxallocation.webhook.WebhookMessages.Recover;
import io.inboxallocation.webhook.WebhookMessages.RetryDelivery;
import io.inboxallocation.webhook.WebhookMessages.RotateSecret;
import io.inboxallocation.webhook.WebhookMessages.SendTest;
import io.inboxallocation.webhook.WebhookMessages.UpdateWebhook;
import io.inboxallocation.problem.ApiError;

/** Webhooks are the tenant ADMIN's: they decide where the tenant's events go. */
public final class WebhookRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("createWebhook", Role.ADMINS, req -> req.ask(new CreateWebhook(req.actor(), req.string("url"),
      req.strings("eventTypes"), req.string("description"))).map(Reply::created));
    api.on("listWebhooks", Role.ADMINS, req -> req.ask(new ListWebhooks(req.actor())).map(Reply::ok));
    api.on("getWebhook", Role.ADMINS, req -> req.ask(new GetWebhook(req.actor(), req.path("webhookId")))
      .map(Reply::ok));
    api.on("updateWebhook", Role.ADMINS, req -> req.ask(new UpdateWebhook(req.actor(), req.path("webhookId"),
      req.string("url"), req.nullable("eventTypes", req::strings), req.nullable("description", req::string),
      req.body().getBoolean("enabled"))).map(Reply::ok));
    api.on("deleteWebhook", Role.ADMINS, req -> req.ask(new DeleteWebhook(req.actor(), req.path("webhookId")))
      .map(deleted -> Reply.noContent()));
    api.on("getWebhookSecret", Role.ADMINS, req -> req.ask(new GetSecret(req.actor(), req.path("webhookId")))
      .map(Reply::ok));
    api.on("rotateWebhookSecret", Role.ADMINS, req -> req.ask(new RotateSecret(req.actor(), req.path("webhookId")))
      .map(Reply::ok));
    api.on("listWebhookDeliveries", Role.ADMINS, req -> {
      String status = req.query("status");
      return req.ask(new ListDeliveries(req.actor(), req.path("webhookId"),
        status == null ? null : Delivery.Status.valueOf(status), req.queryInt("limit", 50), cursor(req.query("cursor"))))
        .map(Reply::ok);
    });
    api.on("retryWebhookDelivery", Role.ADMINS, req -> req.ask(new RetryDelivery(req.actor(), req.path("webhookId"),
      req.pathLong("deliveryId"))).map(Reply::accepted));
    api.on("recoverWebhookDeliveries", Role.ADMINS, req -> req.ask(new Recover(req.actor(), req.path("webhookId"),
      req.instant("since"))).map(Reply::accepted));
    api.on("testWebhook", Role.ADMINS, req -> req.ask(new SendTest(req.actor(), req.path("webhookId")))
      .map(Reply::accepted));
  }

  private static Long cursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("cursor", "cursor must be a nextCursor this endpoint gave");
    }
  }
}
