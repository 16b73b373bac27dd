package io.inboxallocation.operator;

import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.db.Database;
import io.inboxallocation.db.Rows;
import io.inboxallocation.operator.OperatorMessages.CreateOperator;
import io.inboxallocation.operator.OperatorMessages.DeleteOperator;
import io.inboxallocation.operator.OperatorMessages.UpdateOperator;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Creates, changes and deletes operators. A new operator starts OFFLINE. */
public final class OperatorCommands extends CommandVerticle {

  private static final String INSERT = """
    WITH created AS (
      INSERT INTO operator (id, tenant_id, name, role)
      SELECT $1, t.id, $3, $4 FROM tenant t WHERE t.id = $2
      RETURNING *
    ), status AS (
      INSERT INTO operator_status (operator_id, tenant_id, status)
      SELECT id, tenant_id, 'OFFLINE' FROM created
    )
    SELECT""" + " " + Operator.COLUMNS + " FROM created";

  private static final String UPDATE = """
    UPDATE operator SET name = coalesce($3, name), role = coalesce($4, role)
    WHERE tenant_id = $1 AND id = $2
    RETURNING""" + " " + Operator.COLUMNS;

  // Their conversations go back to the queue first, with an audit event each; then the operator (and, by cascade,
  // status, subscriptions and grace assignments) goes.
  private static final String DELETE = """
    WITH released AS (
      UPDATE conversation_ref SET state = 'QUEUED', assigned_operator_id = NULL, updated_at = now()
      WHERE tenant_id = $1 AND assigned_operator_id = $2 AND state = 'ALLOCATED'
      RETURNING id, tenant_id
    ), events AS (
      INSERT INTO domain_event (tenant_id, conversation_id, type, reason, actor_id, actor_role, from_state, to_state,
                                previous_operator_id)
      SELECT tenant_id, id, 'RELEASED', 'OPERATOR_DELETED', $3, $4, 'ALLOCATED', 'QUEUED', $2 FROM released
    )
    DELETE FROM operator WHERE tenant_id = $1 AND id = $2
    RETURNING id""";

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
    return pool.preparedQuery(INSERT)
      .execute(Tuple.of(UUID.randomUUID(), command.tenantId(), command.name(), command.role()))
      .compose(rows -> Rows.one(rows, Operator::from, "tenant"));
  }

  private Future<Operator> update(UpdateOperator command) {
    return pool.preparedQuery(UPDATE)
      .execute(Tuple.of(command.tenantId(), command.operatorId(), command.name(), command.role()))
      .compose(rows -> Rows.one(rows, Operator::from, "operator"));
  }

  private Future<Void> delete(DeleteOperator command) {
    return pool.withTransaction(conn -> conn.preparedQuery(DELETE)
      .execute(Tuple.of(command.tenantId(), command.operatorId(), command.actorId(), command.actorRole()))
      .compose(rows -> Rows.one(rows, row -> null, "operator")));
  }
}
