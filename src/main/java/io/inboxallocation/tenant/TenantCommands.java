package io.inboxallocation.tenant;

import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.db.Rows;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventType;
import io.inboxallocation.tenant.TenantMessages.CreateTenant;
import io.inboxallocation.tenant.TenantMessages.UpdateTenant;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Creates tenants and changes their settings; a weight change re-ranks the tenant's conversations atomically. */
public final class TenantCommands extends CommandVerticle {

  private static final String INSERT = "INSERT INTO tenant (id, name) VALUES ($1, $2) RETURNING " + Tenant.COLUMNS;

  private static final String UPDATE = """
    UPDATE tenant SET
      name = coalesce($2, name),
      message_count_weight = coalesce($3, message_count_weight),
      delay_weight = coalesce($4, delay_weight),
      grace_period_seconds = coalesce($5, grace_period_seconds),
      default_max_concurrent = CASE WHEN $6 THEN $7::integer ELSE default_max_concurrent END,
      assignment_mode = coalesce($8, assignment_mode)
    WHERE id = $1
    RETURNING""" + " " + Tenant.COLUMNS;

  // Only needed when a weight changed: the stored rank bakes the weights in (see V1__schema.sql).
  private static final String RERANK = """
    UPDATE conversation_ref c
    SET priority_rank = priority_rank($2, $3, c.message_count, c.last_activity_at)
    WHERE c.tenant_id = $1""";

  public TenantCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(CreateTenant.class, this::create);
    on(UpdateTenant.class, this::update);
  }

  private Future<Tenant> create(CreateTenant command) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(UUID.randomUUID(), command.name()))
      .compose(rows -> Rows.one(rows, Tenant::from, "tenant"));
  }

  private Future<Tenant> update(UpdateTenant command) {
    boolean weightsChange = command.messageCountWeight() != null || command.delayWeight() != null;
    UUID tenantId = command.actor().tenantId();
    return pool.withTransaction(conn -> conn.preparedQuery(UPDATE)
      .execute(Tuple.of(tenantId, command.name(), command.messageCountWeight(), command.delayWeight(),
        command.gracePeriodSeconds(), command.defaultMaxConcurrent() != null,
        command.defaultMaxConcurrent() == null ? null : command.defaultMaxConcurrent().value(),
        command.assignmentMode() == null ? null : command.assignmentMode().name()))
      .compose(rows -> Rows.one(rows, Tenant::from, "tenant"))
      .compose(tenant -> !weightsChange ? Future.succeededFuture(tenant) : conn.preparedQuery(RERANK)
        .execute(Tuple.of(tenant.id(), tenant.messageCountWeight(), tenant.delayWeight()))
        .map(reranked -> tenant))
      .compose(tenant -> EventLog.record(conn, tenantId, EventActor.of(command.actor()), EventType.TENANT_UPDATED, null,
        null, tenant).map(tenant)));
  }
}
