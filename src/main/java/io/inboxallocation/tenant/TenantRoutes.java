package io.inboxallocation.tenant;

import io.inboxallocation.assignment.AssignmentMode;
import io.inboxallocation.auth.Role;
import io.inboxallocation.http.ApiRequest;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.tenant.TenantMessages.CreateTenant;
import io.inboxallocation.tenant.TenantMessages.GetTenant;
import io.inboxallocation.tenant.TenantMessages.UpdateTenant;

public final class TenantRoutes implements Routes {

  private static AssignmentMode assignmentMode(ApiRequest req) {
    String mode = req.string("assignmentMode");
    return mode == null ? null : AssignmentMode.valueOf(mode);
  }

  @Override
  public void bind(Api api) {
    api.on("createTenant", Role.PLATFORM, req -> req.ask(new CreateTenant(req.string("name")))
      .map(Reply::created));
    api.on("getMyTenant", Role.TENANT, req -> req.ask(new GetTenant(req.actor().tenantId()))
      .map(Reply::ok));
    api.on("updateMyTenant", Role.ADMINS, req -> req.ask(new UpdateTenant(req.actor(),
        req.string("name"), req.number("messageCountWeight"), req.number("delayWeight"), req.integer("gracePeriodSeconds"),
        req.nullable("defaultMaxConcurrent", req::integer), assignmentMode(req)))
      .map(Reply::ok));
  }
}
