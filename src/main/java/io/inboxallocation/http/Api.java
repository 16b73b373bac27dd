package io.inboxallocation.http;

import io.inboxallocation.json.ApiJson;
import io.inboxallocation.auth.AccessCache;
import io.inboxallocation.auth.AccessCache.Access;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.auth.Authenticator;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.RequestLoad;
import io.inboxallocation.feed.Feed;
import io.inboxallocation.feed.FeedRelay;
import io.inboxallocation.auth.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.SchemaRepository;

import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/** Binds operations of the contract: validate the request, check the caller's role, run the handler, write the reply. */
public final class Api {

  /** The longest a poll waits for this node's relay to read back the node's own write (about one cycle). */
  private static final long CATCH_UP_MILLIS = 50;

  private final Vertx vertx;
  private final RouterBuilder builder;
  private final SchemaRepository schemas;
  private final Authenticator authenticator;
  private final Idempotency idempotency;
  private final Feed feed;
  private final AccessCache access;
  private final RequestLoad load;

  Api(Vertx vertx, RouterBuilder builder, SchemaRepository schemas, Authenticator authenticator,
      Idempotency idempotency, Feed feed, AccessCache access, RequestLoad load) {
    this.vertx = vertx;
    this.builder = builder;
    this.schemas = schemas;
    this.authenticator = authenticator;
    this.idempotency = idempotency;
    this.feed = feed;
    this.access = access;
    this.load = load;
  }

  public void on(String operationId, Set<Role> allowed, Function<ApiRequest, Future<Reply>> handler) {
    boolean conditional = Conditional.OPERATIONS.contains(operationId);
    route(operationId).addHandler(ctx -> (conditional ? caughtUp(ctx) : Future.<Void>succeededFuture())
      .compose(ready -> authenticator.actor(ctx.user()))
      .map(actor -> {
        ctx.put(AccessLog.ACTOR, actor);
        return Authenticator.require(actor, allowed);
      })
      .compose(actor -> {
        Supplier<Future<Reply>> run = () -> handler.apply(
          new ApiRequest(vertx, load, ctx.get(ValidatedInput.KEY), actor));
        if (conditional) {
          return conditionally(ctx, operationId, actor, run);
        }
        return ctx.request().method() == HttpMethod.GET ? run.get() : writing(ctx, actor, run);
      })
      .onSuccess(reply -> write(ctx, reply))
      .onFailure(ctx::fail));
  }

  /**
   * A poll that comes right after this node wrote to its tenant waits (a few milliseconds, one relay cycle) for the
   * write to be read back, so that it can be answered from the cache and tagged: otherwise every poll in that window
   * would be a full, untagged read, and so would the next poll of each of those clients.
   */
  private Future<Void> caughtUp(RoutingContext ctx) {
    UUID tenantId = Authenticator.tenantOf(ctx.user());
    return tenantId == null ? Future.succeededFuture() : feed.caughtUp(vertx, tenantId, CATCH_UP_MILLIS);
  }

  /** 304 when the caller's tag is current; else the read, tagged with the version taken before it ran. */
  private Future<Reply> conditionally(RoutingContext ctx, String operationId, Actor actor,
                                      Supplier<Future<Reply>> read) {
    String tag = Conditional.tag(version(operationId, actor), actor, ctx.request());
    if (Conditional.matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), tag)) {
      return Future.succeededFuture(Reply.notModified(tag));
    }
    return read.get().map(reply -> reply.tagged(tag));
  }

  /**
   * The version the read's tag names: the tenant's, or for an operator's conversation read the one of their scope
   * (their subscriptions as the access cache holds them, which is where their role came from a moment ago).
   */
  private long version(String operationId, Actor actor) {
    long now = System.currentTimeMillis();
    UUID operator = actor.inboxScope();
    Access known = operator == null || !Conditional.CONVERSATION_READS.contains(operationId) ? null
      : access.cached(actor.tenantId(), operator);
    return known == null ? feed.version(actor.tenantId(), now)
      : feed.conversationVersion(actor.tenantId(), operator, known.inboxes(), now);
  }

  /**
   * A request that may change the tenant's data: from its answer until this node's relay has read back what it
   * wrote, the node trusts neither its tenant version nor its cached access rights (the relay is woken at once).
   */
  private Future<Reply> writing(RoutingContext ctx, Actor actor, Supplier<Future<Reply>> change) {
    UUID tenantId = actor.tenantId();
    if (tenantId == null) {
      return idempotency.once(ctx, actor, change);
    }
    return idempotency.once(ctx, actor, change).onComplete(done -> {
      feed.wrote(tenantId);
      Bus.publish(vertx, FeedRelay.Poke.NOW);
    });
  }

  /** An operation without authentication (its contract entry has {@code security: []}). */
  void open(String operationId, Handler<RoutingContext> handler) {
    route(operationId).addHandler(handler);
  }

  private OpenAPIRoute route(String operationId) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("openapi.yaml has no operation " + operationId);
    }
    if (!route.getHandlers().isEmpty()) {
      throw new IllegalStateException("operation " + operationId + " is bound twice");
    }
    // The router's own validation is off: OperationValidation replaces it, as the first handler of the operation.
    String path = route.getOperation().getOpenAPIPath();
    return route.setDoValidation(false)
      .addHandler(ctx -> {
        ctx.put(AccessLog.ROUTE, path);
        ctx.next();
      })
      .addHandler(new OperationValidation(schemas, route.getOperation()));
  }

  private static void write(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(reply.status());
    if (reply.etag() != null) {
      ctx.response().putHeader(HttpHeaders.ETAG, reply.etag()).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    }
    if (reply.replayed()) {
      ctx.response().putHeader(Idempotency.REPLAYED, "true");
    }
    if (reply.body() == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("content-type", "application/json").end(ApiJson.encode(reply.body()));
    }
  }
}
