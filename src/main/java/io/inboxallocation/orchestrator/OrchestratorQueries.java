package io.inboxallocation.orchestrator;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.bus.QueryVerticle;
import io.inboxallocation.config.AppConfig.OrchestratorSettings;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.db.Database;
import io.inboxallocation.db.Rows;
import io.inboxallocation.orchestrator.OrchestratorMessages.GetContact;
import io.inboxallocation.orchestrator.OrchestratorMessages.GetHistory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * A conversation's history and contact, from the orchestrator (docs/ARCHITECTURE.md, "Orchestrator"). The
 * conversation is looked up first, with the tenant and visibility rule of {@code GET /conversations/{id}}: what the
 * caller may not see answers 404 and the orchestrator is not asked. One instance per node owns the client, its circuit
 * breaker and the contact cache.
 */
public final class OrchestratorQueries extends QueryVerticle {

  static final int CONTACT_CACHE_ENTRIES = 10_000;

  private static final String FIND = "SELECT c.external_conversation_id, c.customer_phone_number"
    + " FROM conversation_ref c WHERE " + Conversation.VISIBLE_BY_ID;

  private final OrchestratorSettings settings;
  private OrchestratorClient orchestrator;
  private ContactCache contacts;

  public OrchestratorQueries(Database.Clients db, OrchestratorSettings settings) {
    super(db);
    this.settings = settings;
  }

  @Override
  protected void serve() {
    // Made on this verticle's context, so Vert.x closes its client when the verticle is undeployed.
    orchestrator = new OrchestratorClient(vertx, settings);
    contacts = new ContactCache(settings.contactCacheTtl(), CONTACT_CACHE_ENTRIES, System::nanoTime);
    on(GetHistory.class, query -> find(query.actor(), query.conversationId())
      .compose(conversation -> orchestrator.history(conversation.getString("external_conversation_id"),
        query.cursor(), query.limit())));
    on(GetContact.class, query -> find(query.actor(), query.conversationId())
      .compose(conversation -> contact(query.actor().tenantId(), conversation.getString("customer_phone_number"))));
  }

  private Future<Row> find(Actor actor, UUID conversationId) {
    return client.preparedQuery(FIND).execute(Tuple.of(actor.tenantId(), conversationId, actor.inboxScope()))
      .compose(rows -> Rows.one(rows, row -> row, "conversation"));
  }

  private Future<JsonObject> contact(UUID tenantId, String phoneNumber) {
    JsonObject cached = contacts.get(tenantId, phoneNumber);
    return cached != null ? Future.succeededFuture(cached)
      : orchestrator.contact(phoneNumber).onSuccess(contact -> contacts.put(tenantId, phoneNumber, contact));
  }
}
