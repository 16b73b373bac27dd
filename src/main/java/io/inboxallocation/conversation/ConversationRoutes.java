package io.inboxallocation.conversation;

import io.inboxallocation.auth.Role;
import io.inboxallocation.conversation.ConversationMessages.GetConversation;
import io.inboxallocation.conversation.ConversationMessages.ListConversations;
import io.inboxallocation.conversation.ConversationMessages.ListEvents;
import io.inboxallocation.conversation.ConversationMessages.SearchByPhone;
import io.inboxallocation.conversation.ConversationMessages.Sort;
import io.inboxallocation.conversation.ConversationMessages.UpsertConversation;
import io.inboxallocation.http.Api;
import io.inboxallocation.http.Reply;
import io.inboxallocation.http.Routes;

import java.util.Locale;

public final class ConversationRoutes implements Routes {

  @Override
  public void bind(Api api) {
    api.on("upsertConversation", Role.INGEST, req -> req.ask(
        new UpsertConversation(req.actor(), req.uuid("inboxId"), req.string("externalConversationId"),
          req.phone("customerPhoneNumber"), req.instant("lastMessageAt"), req.integer("messageCount")))
      .map(result -> result.created() ? Reply.created(result.conversation()) : Reply.ok(result.conversation())));
    api.on("listConversations", Role.TENANT, req -> {
      String sortName = req.query("sort");
      Sort sort = sortName == null ? Sort.NEWEST : Sort.valueOf(sortName.toUpperCase(Locale.ROOT));
      String cursor = req.query("cursor");
      String state = req.query("state");
      return req.ask(new ListConversations(req.actor(), req.queryUuid("inboxId"),
          state == null ? null : ConversationState.valueOf(state), req.queryUuid("assignedOperatorId"),
          req.queryUuid("labelId"),
          req.phone("customerPhoneNumber"), sort, req.queryInt("limit", 50),
          cursor == null ? null : Cursor.decode(cursor, sort)))
        .map(Reply::ok);
    });
    api.on("searchConversationsByPhone", Role.TENANT, req -> req.ask(
        new SearchByPhone(req.actor(), req.phone("phoneNumber"))).map(Reply::ok));
    api.on("getConversation", Role.TENANT, req -> req.ask(
        new GetConversation(req.actor(), req.path("conversationId"))).map(Reply::ok));
    api.on("listConversationEvents", Role.TENANT, req -> req.ask(
        new ListEvents(req.actor(), req.path("conversationId"))).map(Reply::ok));
  }
}
