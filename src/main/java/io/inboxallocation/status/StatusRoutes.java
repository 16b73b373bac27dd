package io.inboxallocation.status;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.auth.Role;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.status.StatusMessages.GetStatus;
import io.inboxallocation.status.StatusMessages.ListGrace;
import io.inboxallocation.status.StatusMessages.ProcessGrace;
import io.inboxallocation.status.StatusMessages.SetStatus;

import java.util.UUID;

public final class StatusRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("getMyStatus", Role.STAFF, req -> req.ask(
        new GetStatus(req.actor().tenantId(), req.actor().operatorId())).map(Reply::ok));
    api.on("setMyStatus", Role.STAFF, req -> req.ask(
        new SetStatus(req.actor(), req.actor().operatorId(), Availability.valueOf(req.string("status"))))
      .map(Reply::ok));
    api.on("getOperatorStatus", Role.STAFF, req -> {
      UUID operatorId = req.path("operatorId");
      requireSelfOrManager(req.actor(), operatorId);
      return req.ask(new GetStatus(req.actor().tenantId(), operatorId)).map(Reply::ok);
    });
    api.on("setOperatorStatus", Role.MANAGERS, req -> req.ask(
        new SetStatus(req.actor(), req.path("operatorId"), Availability.valueOf(req.string("status")))).map(Reply::ok));
    api.on("listGracePeriods", Role.MANAGERS, req -> req.ask(new ListGrace(req.actor().tenantId())).map(Reply::ok));
    api.on("processGracePeriods", Role.MANAGERS, req -> req.ask(
        new ProcessGrace(req.actor().tenantId())).map(Reply::ok));
  }

  private static void requireSelfOrManager(Actor actor, UUID operatorId) {
    if (!actor.role().seesAllInboxes() && !operatorId.equals(actor.operatorId())) {
      throw ApiError.forbidden("operators may only read their own status");
    }
  }
}
