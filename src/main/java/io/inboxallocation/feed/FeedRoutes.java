package io.inboxallocation.feed;

import io.inboxallocation.auth.Role;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.feed.FeedMessages.FeedPage;
import io.inboxallocation.feed.FeedMessages.ReadFeed;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.ApiRequest;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.UUID;

/**
 * {@code GET /events}: the feed over HTTP. With {@code wait}, an empty read waits on this node's relay for the next
 * event of the tenant and reads again, until the deadline (a long poll that costs no SQL while nothing happens).
 */
public final class FeedRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("listEvents", Role.TENANT, req -> {
      String cursor = req.query("after");
      Long after = cursor == null ? null : FeedCursor.parse(cursor, "after");
      long deadline = System.currentTimeMillis() + req.queryInt("wait", 0) * 1000L;
      return read(req, new ReadFeed(req.actor(), after, req.queryInt("limit", 100)), deadline)
        .map(page -> Reply.ok(body(page)));
    });
  }

  private static Future<FeedPage> read(ApiRequest req, ReadFeed query, long deadline) {
    return req.ask(query).compose(page -> !page.items().isEmpty() || query.after() == null
      || System.currentTimeMillis() >= deadline
      ? Future.succeededFuture(page)
      : nextEvent(req, query.actor().tenantId(), deadline)
        .compose(woken -> read(req, new ReadFeed(query.actor(), page.next(), query.limit()), deadline)));
  }

  /** Completes when the relay hands out an event of the tenant, or at the deadline. */
  private static Future<Void> nextEvent(ApiRequest req, UUID tenantId, long deadline) {
    Promise<Void> woken = Promise.promise();
    MessageConsumer<FeedBatch> consumer = Bus.subscribe(req.vertx(), FeedBatch.class, batch -> {
      if (batch.events().stream().anyMatch(event -> event.tenantId().equals(tenantId))) {
        woken.tryComplete();
      }
    });
    long timer = req.vertx().setTimer(Math.max(1, deadline - System.currentTimeMillis()), t -> woken.tryComplete());
    return woken.future().onComplete(done -> {
      req.vertx().cancelTimer(timer);
      consumer.unregister();
    });
  }

  /** {@code {"items":[...],"nextCursor":"..."}}, the events' JSON passed through as PostgreSQL wrote it. */
  private static Buffer body(FeedPage page) {
    Buffer body = Buffer.buffer(256 + page.items().size() * 512).appendString("{\"items\":[");
    for (int i = 0; i < page.items().size(); i++) {
      body.appendString(i == 0 ? "" : ",").appendString(page.items().get(i).json());
    }
    return body.appendString("],\"nextCursor\":\"").appendString(FeedCursor.format(page.next())).appendString("\"}");
  }
}
