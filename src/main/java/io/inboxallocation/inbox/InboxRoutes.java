package io.inboxallocation.inbox;

import io.inboxallocation.auth.Role;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.inbox.InboxMessages.CreateInbox;
import io.inboxallocation.inbox.InboxMessages.DeleteInbox;
import io.inboxallocation.inbox.InboxMessages.GetInbox;
import io.inboxallocation.inbox.InboxMessages.ListInboxes;
import io.inboxallocation.inbox.InboxMessages.ListSubscriptions;
import io.inboxallocation.inbox.InboxMessages.Subscribe;
import io.inboxallocation.inbox.InboxMessages.Unsubscribe;
import io.inboxallocation.inbox.InboxMessages.UpdateInbox;

import java.util.UUID;

public final class InboxRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("createInbox", Role.MANAGERS, req -> req.ask(
        new CreateInbox(req.actor(), req.phone("phoneNumber"), req.string("displayName")))
      .map(Reply::created));
    api.on("listInboxes", Role.TENANT, req -> req.ask(new ListInboxes(req.actor()))
      .map(Reply::ok));
    api.on("getInbox", Role.TENANT, req -> req.ask(new GetInbox(req.actor(), req.path("inboxId")))
      .map(Reply::ok));
    api.on("updateInbox", Role.MANAGERS, req -> req.ask(new UpdateInbox(req.actor(),
        req.path("inboxId"), req.phone("phoneNumber"), req.string("displayName")))
      .map(Reply::ok));
    api.on("deleteInbox", Role.MANAGERS, req -> req.ask(new DeleteInbox(req.actor(), req.path("inboxId")))
      .map(deleted -> Reply.noContent()));

    api.on("createSubscription", Role.MANAGERS, req -> req.ask(
        new Subscribe(req.actor(), req.uuid("operatorId"), req.uuid("inboxId")))
      .map(result -> result.created() ? Reply.created(result.subscription()) : Reply.ok(result.subscription())));
    api.on("listSubscriptions", Role.STAFF, req -> {
      // Operators see their own subscriptions only, whatever they filter on.
      UUID operatorId = req.actor().role().seesAllInboxes() ? req.queryUuid("operatorId") : req.actor().operatorId();
      return req.ask(
          new ListSubscriptions(req.actor().tenantId(), operatorId, req.queryUuid("inboxId"))).map(Reply::ok);
    });
    api.on("deleteSubscription", Role.MANAGERS, req -> req.ask(
        new Unsubscribe(req.actor(), req.path("subscriptionId")))
      .map(deleted -> Reply.noContent()));
  }
}
