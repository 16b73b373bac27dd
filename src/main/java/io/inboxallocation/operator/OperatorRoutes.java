package io.inboxallocation.operator;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.auth.Role;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.ApiRequest;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.operator.OperatorMessages.CreateOperator;
import io.inboxallocation.operator.OperatorMessages.DeleteOperator;
import io.inboxallocation.operator.OperatorMessages.GetOperator;
import io.inboxallocation.operator.OperatorMessages.ListOperators;
import io.inboxallocation.operator.OperatorMessages.UpdateOperator;

import java.util.UUID;

public final class OperatorRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("createOperator", Role.OPERATOR_CREATORS, req -> req.ask(
        new CreateOperator(req.actor(), targetTenant(req), req.string("name"), Role.valueOf(req.string("role"))))
      .map(Reply::created));
    api.on("listOperators", Role.TENANT, req -> req.ask(new ListOperators(req.actor().tenantId())).map(Reply::ok));
    api.on("getOperator", Role.TENANT, req -> req.ask(
      new GetOperator(req.actor().tenantId(), req.path("operatorId"))).map(Reply::ok));
    api.on("updateOperator", Role.ADMINS, req -> req.ask(
        new UpdateOperator(req.actor(), req.path("operatorId"), req.string("name"), role(req),
          req.nullable("maxConcurrent", req::integer)))
      .map(Reply::ok));
    api.on("deleteOperator", Role.ADMINS, req -> req.ask(new DeleteOperator(req.actor(), req.path("operatorId")))
      .map(deleted -> Reply.noContent()));
  }

  private static Role role(ApiRequest req) {
    String role = req.string("role");
    return role == null ? null : Role.valueOf(role);
  }

  /** A platform admin names the tenant; a tenant admin may only name its own (another one is invisible: 404). */
  private static UUID targetTenant(ApiRequest req) {
    Actor actor = req.actor();
    UUID named = req.uuid("tenantId");
    if (actor.role() == Role.PLATFORM_ADMIN) {
      if (named == null) {
        throw ApiError.badRequest("tenantId", "tenantId is required when a platform admin creates an operator");
      }
      return named;
    }
    if (named != null && !named.equals(actor.tenantId())) {
      throw ApiError.notFound("tenant");
    }
    return actor.tenantId();
  }
}
