package io.inboxallocation.label;

import io.inboxallocation.auth.Role;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;
import io.inboxallocation.label.LabelMessages.AttachLabel;
import io.inboxallocation.label.LabelMessages.CreateLabel;
import io.inboxallocation.label.LabelMessages.DeleteLabel;
import io.inboxallocation.label.LabelMessages.DetachLabel;
import io.inboxallocation.label.LabelMessages.GetLabel;
import io.inboxallocation.label.LabelMessages.ListLabels;
import io.inboxallocation.label.LabelMessages.UpdateLabel;

public final class LabelRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("createLabel", Role.STAFF, req -> req.ask(new CreateLabel(req.actor(),
      req.uuid("inboxId"), req.string("name"), req.string("color"))).map(Reply::created));
    api.on("listLabels", Role.TENANT, req -> req.ask(
        new ListLabels(req.actor(), req.queryUuid("inboxId"))).map(Reply::ok));
    api.on("getLabel", Role.TENANT, req -> req.ask(new GetLabel(req.actor(), req.path("labelId"))).map(Reply::ok));
    api.on("updateLabel", Role.STAFF, req -> req.ask(new UpdateLabel(req.actor(),
      req.path("labelId"), req.string("name"), req.string("color"))).map(Reply::ok));
    api.on("deleteLabel", Role.STAFF, req -> req.ask(
        new DeleteLabel(req.actor(), req.path("labelId"))).map(deleted -> Reply.noContent()));
    api.on("attachLabel", Role.TENANT, req -> req.ask(
        new AttachLabel(req.actor(), req.path("conversationId"), req.path("labelId"))).map(Reply::ok));
    api.on("detachLabel", Role.TENANT, req -> req.ask(
        new DetachLabel(req.actor(), req.path("conversationId"), req.path("labelId"))).map(Reply::ok));
  }
}
