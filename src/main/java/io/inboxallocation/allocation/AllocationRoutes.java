package io.inboxallocation.allocation;

import io.inboxallocation.allocation.AllocationMessages.Allocate;
import io.inboxallocation.allocation.AllocationMessages.Claim;
import io.inboxallocation.allocation.AllocationMessages.Deallocate;
import io.inboxallocation.allocation.AllocationMessages.MoveInbox;
import io.inboxallocation.allocation.AllocationMessages.Reassign;
import io.inboxallocation.allocation.AllocationMessages.Resolve;
import io.inboxallocation.auth.Role;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;

public final class AllocationRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("allocateConversation", Role.STAFF, req -> req.ask(new Allocate(req.actor()))
      .map(Reply::ok));
    api.on("claimConversation", Role.STAFF, req -> req.ask(
        new Claim(req.actor(), req.uuid("conversationId"))).map(Reply::ok));
    api.on("resolveConversation", Role.STAFF, req -> req.ask(
        new Resolve(req.actor(), req.uuid("conversationId"))).map(Reply::ok));
    api.on("deallocateConversation", Role.STAFF, req -> req.ask(
        new Deallocate(req.actor(), req.uuid("conversationId"))).map(Reply::ok));
    api.on("reassignConversation", Role.MANAGERS, req -> req.ask(
        new Reassign(req.actor(), req.uuid("conversationId"), req.uuid("newOperatorId"))).map(Reply::ok));
    api.on("moveConversationInbox", Role.MANAGERS, req -> req.ask(
        new MoveInbox(req.actor(), req.uuid("conversationId"), req.uuid("newInboxId"))).map(Reply::ok));
  }
}
