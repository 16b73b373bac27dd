package io.inboxallocation.conversation;

import io.inboxallocation.auth.Visibility;
import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.auth.Visibility;
import io.inboxallocation.bus.Items;
import io.inboxallocation.conversation.Conversation.SortKey;
import io.inboxallocation.conversation.ConversationMessages.GetConversation;
import io.inboxallocation.conversation.ConversationMessages.ListConversations;
import io.inboxallocation.conversation.ConversationMessages.ListEvents;
import io.inboxallocation.conversation.ConversationMessages.Page;
import io.inboxallocation.conversation.ConversationMessages.SearchByPhone;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.ConversationEvent;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The read side of conversations: get, filtered listing with keyset cursors, phone search, audit trail. */
public final class ConversationQueries extends QueryVerticle {

  private static final String GET = Conversation.selectFrom("conversation_ref") + " WHERE " + Conversation.VISIBLE_BY_ID;

  private static final String BY_PHONE = Conversation.selectFrom("conversation_ref")
    + " WHERE c.tenant_id = $1 AND c.customer_phone_number = $2 AND " + Visibility.conversation("$3")
    + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 100";

  /** The audit trail: changes of state, owner, inbox and labels (not the orchestrator's updates, which are many). */
  private static final String EVENTS = EventLog.READ + " WHERE tenant_id = $1 AND conversation_id = $2 AND type <> '"
    + EventType.UPDATED.name() + "' ORDER BY id";

  public ConversationQueries(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(GetConversation.class, query -> get(query.actor().tenantId(),
      query.conversationId(), query.actor().inboxScope()));
    on(SearchByPhone.class, query -> client.preparedQuery(BY_PHONE)
      .execute(Tuple.of(query.actor().tenantId(), query.phoneNumber(), query.actor().inboxScope()))
      .map(rows -> new Items<>(Rows.all(rows, Conversation::from))));
    on(ListEvents.class, query -> get(query.actor().tenantId(), query.conversationId(),
      query.actor().inboxScope())
      .compose(visible -> client.preparedQuery(EVENTS).execute(Tuple.of(query.actor().tenantId(), query.conversationId())))
      .map(rows -> new Items<>(Rows.all(rows, ConversationEvent::from))));
    on(ListConversations.class, this::list);
  }

  private Future<Conversation> get(java.util.UUID tenantId, java.util.UUID conversationId, java.util.UUID scope) {
    return client.preparedQuery(GET).execute(Tuple.of(tenantId, conversationId, scope))
      .compose(rows -> Rows.one(rows, Conversation::from, "conversation"));
  }

  /**
   * Only the filters in use become SQL, and the state is written as a literal (it is one of three enum names), so
   * PostgreSQL can match the partial queue index instead of a generic plan that cannot.
   */
  private Future<Page> list(ListConversations query) {
    SortKey after = query.after();
    List<Object> params = new ArrayList<>(List.of(query.actor().tenantId()));
    StringBuilder sql = new StringBuilder(Conversation.selectFrom("conversation_ref"))
      .append(" WHERE c.tenant_id = $1");
    if (query.actor().inboxScope() != null) {
      params.add(query.actor().inboxScope());
      sql.append(" AND ").append(Visibility.conversation("$" + params.size()));
    }
    if (query.state() != null) {
      sql.append(" AND c.state = ").append(query.state().literal());
    }
    condition(sql, params, query.inboxId(), "c.inbox_id = $%d");
    condition(sql, params, query.assignedOperatorId(), "c.assigned_operator_id = $%d");
    condition(sql, params, query.customerPhoneNumber(), "c.customer_phone_number = $%d");
    condition(sql, params, query.labelId(),
      "EXISTS (SELECT 1 FROM conversation_label cl WHERE cl.conversation_id = c.id AND cl.label_id = $%d)");
    if (after != null) {
      int first = params.size() + 1;
      params.add(after.activity());
      params.add(after.id());
      if (query.sort().byRank) {
        params.add(after.rank());
      }
      sql.append(" AND ").append(String.format(query.sort().after, first, first + 1, first + 2));
    }
    sql.append(" ORDER BY ").append(query.sort().orderBy).append(" LIMIT ").append(query.limit() + 1);
    return client.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> page(rows, query));
  }

  private static Page page(io.vertx.sqlclient.RowSet<Row> rows, ListConversations query) {
    List<Conversation> items = new ArrayList<>(query.limit());
    SortKey last = null;
    for (Row row : rows) {
      if (items.size() == query.limit()) {
        return new Page(items, Cursor.encode(query.sort(), last));
      }
      items.add(Conversation.from(row));
      last = Conversation.sortKey(row);
    }
    return new Page(items, null);
  }

  private static void condition(StringBuilder sql, List<Object> params, Object value, String predicate) {
    if (value != null) {
      params.add(value);
      sql.append(" AND ").append(String.format(predicate, params.size()));
    }
  }
}
