package io.inboxallocation.orchestrator;

import io.inboxallocation.auth.Role;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.orchestrator.OrchestratorMessages.GetContact;
import io.inboxallocation.orchestrator.OrchestratorMessages.GetHistory;

/** A conversation's history and contact: the same roles as {@code GET /conversations/{id}}. */
public final class OrchestratorRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("getConversationHistory", Role.TENANT, req -> req.ask(new GetHistory(req.actor(),
      req.path("conversationId"), req.query("cursor"), req.queryInteger("limit"))).map(Reply::ok));
    api.on("getConversationContact", Role.TENANT, req -> req.ask(
      new GetContact(req.actor(), req.path("conversationId"))).map(Reply::ok));
  }
}
