package io.inboxallocation.webhook;

import io.inboxallocation.bus.Items;
import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.db.Rows;
import io.inboxallocation.webhook.WebhookMessages.GetSecret;
import io.inboxallocation.webhook.WebhookMessages.GetWebhook;
import io.inboxallocation.webhook.WebhookMessages.ListDeliveries;
import io.inboxallocation.webhook.WebhookMessages.ListWebhooks;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.List;

public final class WebhookQueries extends QueryVerticle {

  public WebhookQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(ListWebhooks.class, query -> client.preparedQuery(WebhookSql.LIST).execute(Tuple.of(query.actor().tenantId()))
      .map(rows -> new Items<>(Rows.all(rows, Webhook::from))));
    on(GetWebhook.class, query -> client.preparedQuery(WebhookSql.SELECT)
      .execute(Tuple.of(query.actor().tenantId(), query.webhookId()))
      .compose(rows -> Rows.one(rows, Webhook::from, "webhook")));
    on(GetSecret.class, query -> client.preparedQuery(WebhookSql.SECRET)
      .execute(Tuple.of(query.actor().tenantId(), query.webhookId()))
      .compose(rows -> Rows.one(rows, row -> new Webhook.Secret(row.getString("secret")), "webhook")));
    on(ListDeliveries.class, this::deliveries);
  }

  /** A page, and whether the webhook exists (a foreign or missing one is a 404, not an empty page). */
  private Future<Delivery.Page> deliveries(ListDeliveries query) {
    Tuple webhook = Tuple.of(query.actor().tenantId(), query.webhookId());
    return client.preparedQuery(WebhookSql.SELECT).execute(webhook)
      .compose(rows -> Rows.one(rows, Webhook::from, "webhook"))
      .compose(found -> client.preparedQuery(WebhookSql.DELIVERIES).execute(Tuple.of(query.actor().tenantId(),
        query.webhookId(), query.status() == null ? null : query.status().name(), query.before(), query.limit() + 1)))
      .map(rows -> {
        List<Delivery> items = Rows.all(rows, Delivery::from);
        boolean more = items.size() > query.limit();
        List<Delivery> page = more ? items.subList(0, query.limit()) : items;
        return new Delivery.Page(page, more ? Long.toString(page.get(page.size() - 1).id()) : null);
      });
  }
}
