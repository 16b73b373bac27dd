package io.inboxallocation.status;

import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.db.Database;
import io.inboxallocation.events.EventActor;
import io.inboxallocation.events.EventLog;
import io.inboxallocation.events.EventType;
import io.inboxallocation.db.Rows;
import io.inboxallocation.conversation.ConversationState;
import io.inboxallocation.lifecycle.Lifecycle;
import io.inboxallocation.status.StatusMessages.ProcessGrace;
import io.inboxallocation.status.StatusMessages.SetStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * AVAILABLE / OFFLINE, and the grace period in between: going OFFLINE starts a durable grace assignment per
 * allocated conversation; going AVAILABLE cancels them; expiry (a {@link Lifecycle} change) puts the conversations
 * back in the queue.
 */
public final class StatusCommands extends CommandVerticle {

  private static final String LOCK = "SELECT status FROM operator_status WHERE tenant_id = $1 AND operator_id = $2 FOR UPDATE";

  private static final String UPDATE = """
    UPDATE operator_status s SET status = $3, last_status_change_at = now()
    WHERE s.tenant_id = $1 AND s.operator_id = $2
    RETURNING""" + " " + OperatorStatus.COLUMNS;

  private static final String CURRENT = "SELECT " + OperatorStatus.COLUMNS
    + " FROM operator_status s WHERE s.tenant_id = $1 AND s.operator_id = $2";

  // FOR UPDATE: waits for a concurrent resolve or release of one of these conversations and then skips it, so no
  // grace assignment is ever written for a conversation that has just stopped being this operator's.
  private static final String START_GRACE = """
    INSERT INTO grace_period_assignment (id, tenant_id, conversation_id, operator_id, expires_at, reason)
    SELECT gen_random_uuid(), c.tenant_id, c.id, c.assigned_operator_id,
           now() + make_interval(secs => t.grace_period_seconds), 'OPERATOR_OFFLINE'
    FROM conversation_ref c JOIN tenant t ON t.id = c.tenant_id
    WHERE c.tenant_id = $1 AND c.assigned_operator_id = $2 AND c.state = %s
    FOR UPDATE OF c
    ON CONFLICT (conversation_id) DO NOTHING""".formatted(ConversationState.ALLOCATED.literal());

  private static final String CANCEL_GRACE = "DELETE FROM grace_period_assignment WHERE tenant_id = $1 AND operator_id = $2";

  public StatusCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(SetStatus.class, this::setStatus);
    on(ProcessGrace.class, command -> Lifecycle.expireGrace(pool, command.tenantId()));
  }

  /** Only a real transition changes anything: a repeated OFFLINE neither restarts nor adds grace assignments. */
  private Future<OperatorStatus> setStatus(SetStatus command) {
    Tuple operator = Tuple.of(command.actor().tenantId(), command.operatorId());
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(operator)
      .compose(rows -> Rows.one(rows, row -> Availability.valueOf(row.getString("status")), "operator"))
      .compose(previous -> previous == command.status()
        ? conn.preparedQuery(CURRENT).execute(operator).map(rows -> Rows.firstOrNull(rows, OperatorStatus::from))
        : transition(conn, command.actor(), operator, command.status())));
  }

  private static Future<OperatorStatus> transition(SqlConnection conn, Actor actor, Tuple operator,
                                                   Availability status) {
    return conn.preparedQuery(UPDATE).execute(Tuple.of(operator.getValue(0), operator.getValue(1), status.name()))
      .map(rows -> Rows.firstOrNull(rows, OperatorStatus::from))
      .compose(changed -> conn.preparedQuery(status == Availability.OFFLINE ? START_GRACE : CANCEL_GRACE).execute(operator)
        .compose(graceDone -> EventLog.record(conn, actor.tenantId(), EventActor.of(actor),
          EventType.OPERATOR_STATUS_CHANGED, null, changed.operatorId(), changed))
        .map(recorded -> changed));
  }
}
