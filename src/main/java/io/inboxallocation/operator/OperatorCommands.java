package io.inboxallocation.operator;

import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.db.Database;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventType;
import io.inboxallocation.lifecycle.Lifecycle;
import io.inboxallocation.status.Availability;
import io.inboxallocation.db.Rows;
import io.inboxallocation.operator.OperatorMessages.CreateOperator;
import io.inboxallocation.operator.OperatorMessages.DeleteOperator;
import io.inboxallocation.operator.OperatorMessages.UpdateOperator;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Creates, changes and deletes operators. A new operator starts OFFLINE; a deleted one's conversations are released. */
public final class OperatorCommands extends CommandVerticle {

  private static final String INSERT = """
    WITH created AS (
      INSERT INTO operator (id, tenant_id, name, role)
      SELECT $1, t.id, $3, $4 FROM tenant t WHERE t.id = $2
      RETURNING *
    ), status AS (
      INSERT INTO operator_status (operator_id, tenant_id, status)
      SELECT id, tenant_id, $5 FROM created
    )
    SELECT""" + " " + Operator.COLUMNS + " FROM created";

  private static final String UPDATE = """
    UPDATE operator SET name = coalesce($3, name), role = coalesce($4, role),
      max_concurrent = CASE WHEN $5 THEN $6::integer ELSE max_concurrent END
    WHERE tenant_id = $1 AND id = $2
    RETURNING""" + " " + Operator.COLUMNS;

  // Status, subscriptions and grace assignments go with it, by cascade.
  private static final String DELETE = "DELETE FROM operator WHERE tenant_id = $1 AND id = $2 RETURNING " + Operator.COLUMNS;

  public OperatorCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(CreateOperator.class, this::create);
    on(UpdateOperator.class, this::update);
    on(DeleteOperator.class, this::delete);
  }

  private Future<Operator> create(CreateOperator command) {
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
      .execute(Tuple.of(UUID.randomUUID(), command.tenantId(), command.name(), command.role().name(),
        Availability.OFFLINE.name()))
      .compose(rows -> Rows.one(rows, Operator::from, "tenant"))
      .compose(operator -> recorded(conn, command.actor(), EventType.OPERATOR_CREATED, operator)));
  }

  private Future<Operator> update(UpdateOperator command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(UPDATE)
      .execute(Tuple.of(actor.tenantId(), command.operatorId(), command.name(),
        command.role() == null ? null : command.role().name(), command.maxConcurrent() != null,
        command.maxConcurrent() == null ? null : command.maxConcurrent().value()))
      .compose(rows -> Rows.one(rows, Operator::from, "operator"))
      .compose(operator -> recorded(conn, actor, EventType.OPERATOR_UPDATED, operator)));
  }

  private Future<Void> delete(DeleteOperator command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> Lifecycle.releaseAllOf(conn, actor, command.operatorId())
      .compose(released -> conn.preparedQuery(DELETE).execute(Tuple.of(actor.tenantId(), command.operatorId())))
      .compose(rows -> Rows.one(rows, Operator::from, "operator"))
      .compose(operator -> recorded(conn, actor, EventType.OPERATOR_DELETED, operator))
      .mapEmpty());
  }

  /** Every operator event concerns that operator: they see it in their feed. */
  private static Future<Operator> recorded(SqlConnection conn, Actor actor, EventType type, Operator operator) {
    return EventLog.record(conn, operator.tenantId(), EventActor.of(actor), type, null, operator.id(), operator)
      .map(operator);
  }
}
