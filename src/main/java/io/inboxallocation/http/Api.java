package io.inboxallocation.http;

import io.inboxallocation.auth.Authenticator;
import io.inboxallocation.auth.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.SchemaRepository;

import java.util.Set;
import java.util.function.Function;

/** Binds operations of the contract: validate the request, check the caller's role, run the handler, write the reply. */
public final class Api {

  private final Vertx vertx;
  private final RouterBuilder builder;
  private final SchemaRepository schemas;
  private final Authenticator authenticator;
  private final Idempotency idempotency;

  Api(Vertx vertx, RouterBuilder builder, SchemaRepository schemas, Authenticator authenticator,
      Idempotency idempotency) {
    this.vertx = vertx;
    this.builder = builder;
    this.schemas = schemas;
    this.authenticator = authenticator;
    this.idempotency = idempotency;
  }

  public void on(String operationId, Set<Role> allowed, Function<ApiRequest, Future<Reply>> handler) {
    route(operationId).addHandler(ctx -> authenticator.actor(ctx.user())
      .map(actor -> Authenticator.require(actor, allowed))
      .compose(actor -> idempotency.once(ctx, actor,
        () -> handler.apply(new ApiRequest(vertx, ctx.get(ValidatedInput.KEY), actor))))
      .onSuccess(reply -> write(ctx, reply))
      .onFailure(ctx::fail));
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
    return route.setDoValidation(false).addHandler(new OperationValidation(schemas, route.getOperation()));
  }

  private static void write(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(reply.status());
    if (reply.replayed()) {
      ctx.response().putHeader(Idempotency.REPLAYED, "true");
    }
    if (reply.body() == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("content-type", "application/json").end(JsonBodies.encode(reply.body()));
    }
  }
}
