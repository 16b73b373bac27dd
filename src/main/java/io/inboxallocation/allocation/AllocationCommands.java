package io.inboxallocation.allocation;

import io.inboxallocation.allocation.AllocationMessages.Allocate;
import io.inboxallocation.allocation.AllocationMessages.Claim;
import io.inboxallocation.allocation.AllocationMessages.Deallocate;
import io.inboxallocation.allocation.AllocationMessages.MoveInbox;
import io.inboxallocation.allocation.AllocationMessages.Reassign;
import io.inboxallocation.allocation.AllocationMessages.Resolve;
import io.inboxallocation.assignment.Capacity;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.auth.Role;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.CommandVerticle;
import io.inboxallocation.conversation.ConversationState;
import io.inboxallocation.lifecycle.Lifecycle;
import io.inboxallocation.lifecycle.Transition;
import io.inboxallocation.status.Availability;
import io.inboxallocation.db.Database;
import io.inboxallocation.conversation.Conversation;
import io.inboxallocation.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.function.BiFunction;

import static io.inboxallocation.allocation.AllocationSql.CURRENT;
import static io.inboxallocation.allocation.AllocationSql.LOCK_CALLER_STATUS;
import static io.inboxallocation.allocation.AllocationSql.LOCK_CONVERSATION;
import static io.inboxallocation.allocation.AllocationSql.OPERATOR_READINESS;
import static io.inboxallocation.allocation.AllocationSql.TARGET_INBOX;
import static io.inboxallocation.conversation.ConversationState.ALLOCATED;
import static io.inboxallocation.conversation.ConversationState.QUEUED;
import static io.inboxallocation.conversation.ConversationState.RESOLVED;

/**
 * Who owns which conversation. Every command is one short transaction: lock the conversation row, decide in plain
 * Java from what is locked, and let the {@link Lifecycle} write the change and its event. The row lock makes "never
 * two owners" a fact of the database, and a lost race shows up as a state the rules refuse: a 409, never a 500. Giving
 * an operator a conversation also locks their status row first ({@link Capacity}), so their load is counted exactly.
 */
public final class AllocationCommands extends CommandVerticle {

  public AllocationCommands(Database.Clients db) {
    super(db);
  }

  @Override
  protected void serve() {
    on(Allocate.class, this::allocate);
    on(Claim.class, c -> locked(c.actor(), c.conversationId(), this::claim));
    on(Resolve.class, c -> locked(c.actor(), c.conversationId(), this::resolve));
    on(Deallocate.class, c -> locked(c.actor(), c.conversationId(), this::deallocate));
    on(Reassign.class, c -> locked(c.actor(), c.conversationId(),
      (tx, current) -> reassign(tx, current, c.newOperatorId())));
    on(MoveInbox.class, c -> locked(c.actor(), c.conversationId(),
      (tx, current) -> move(tx, current, c.newInboxId())));
  }

  /** The best QUEUED conversation of the caller's inboxes, or null (204) when there is none. */
  private Future<Conversation> allocate(Allocate command) {
    Actor actor = command.actor();
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_CALLER_STATUS)
      .execute(Tuple.of(actor.tenantId(), actor.operatorId()))
      .compose(rows -> {
        String status = Rows.firstOrNull(rows, row -> row.getString("status"));
        if (!Availability.AVAILABLE.name().equals(status)) {
          return Future.failedFuture(ApiError.conflict("you are OFFLINE: go AVAILABLE to receive conversations"));
        }
        return Capacity.requireRoom(conn, actor.operatorId(), "you")
          .compose(room -> Lifecycle.allocateNext(conn, actor));
      }));
  }

  private Future<Conversation> claim(Tx tx, Locked current) {
    UUID caller = tx.actor().operatorId();
    if (current.state() == ALLOCATED && caller.equals(current.owner())) {
      return tx.unchanged();
    }
    if (current.state() != QUEUED) {
      return Future.failedFuture(ApiError.conflict(current.state() == RESOLVED
        ? "the conversation is resolved" : "the conversation is already allocated to another operator"));
    }
    return readiness(tx, caller, current.inboxId(), "you")
      .compose(ready -> Capacity.requireRoom(tx.conn(), caller, "you"))
      .compose(room -> tx.change(Transition.CLAIM, caller));
  }

  private Future<Conversation> resolve(Tx tx, Locked current) {
    if (current.state() == RESOLVED) {
      return tx.unchanged();
    }
    if (current.state() == QUEUED) {
      return Future.failedFuture(ApiError.conflict("the conversation is QUEUED: only an allocated one can be resolved"));
    }
    requireOwnerOrManager(tx.actor(), current);
    return tx.change(Transition.RESOLVE, null);
  }

  private Future<Conversation> deallocate(Tx tx, Locked current) {
    if (current.state() == QUEUED) {
      return tx.unchanged();
    }
    if (current.state() == RESOLVED) {
      return Future.failedFuture(ApiError.conflict("the conversation is resolved"));
    }
    requireOwnerOrManager(tx.actor(), current);
    return tx.change(Transition.DEALLOCATE, null);
  }

  private Future<Conversation> reassign(Tx tx, Locked current, UUID target) {
    return readiness(tx, target, current.inboxId(), "the target operator").compose(ready -> {
      if (current.state() == RESOLVED) {
        return Future.failedFuture(ApiError.conflict("the conversation is resolved"));
      }
      if (target.equals(current.owner())) {
        return tx.unchanged();
      }
      return Capacity.requireRoom(tx.conn(), target, "the target operator")
        .compose(room -> tx.change(Transition.REASSIGN, target));
    });
  }

  private Future<Conversation> move(Tx tx, Locked current, UUID newInbox) {
    return tx.conn().preparedQuery(TARGET_INBOX).execute(Tuple.of(tx.actor().tenantId(), newInbox, current.owner()))
      .compose(rows -> {
        Row row = rows.iterator().next();
        if (!row.getBoolean("inbox_exists")) {
          return Future.failedFuture(ApiError.notFound("inbox"));
        }
        if (newInbox.equals(current.inboxId())) {
          return tx.unchanged();
        }
        return Lifecycle.move(tx.conn(), tx.actor(), tx.conversationId(), current.owner(), current.inboxId(), newInbox,
          row.getBoolean("owner_subscribed"));
      });
  }

  /**
   * The operator exists here (else 404), is AVAILABLE and subscribed to the inbox (else 409); locks the status row,
   * which keeps them AVAILABLE and makes their capacity check exact until commit.
   */
  private Future<Void> readiness(Tx tx, UUID operatorId, UUID inboxId, String who) {
    return tx.conn().preparedQuery(OPERATOR_READINESS).execute(Tuple.of(tx.actor().tenantId(), operatorId, inboxId))
      .compose(rows -> {
        Row row = Rows.firstOrNull(rows, r -> r);
        if (row == null) {
          return Future.failedFuture(ApiError.notFound("operator"));
        }
        if (!Availability.AVAILABLE.name().equals(row.getString("status"))) {
          return Future.failedFuture(ApiError.conflict(who + " must be AVAILABLE"));
        }
        if (!row.getBoolean("subscribed")) {
          return Future.failedFuture(ApiError.conflict(who + " must be subscribed to the conversation's inbox"));
        }
        return Future.succeededFuture();
      });
  }

  private static void requireOwnerOrManager(Actor actor, Locked current) {
    if (actor.role() == Role.OPERATOR && !actor.operatorId().equals(current.owner())) {
      throw ApiError.forbidden("only the owner, a manager or an admin may do this");
    }
  }

  /**
   * Runs {@code decide} in a transaction holding the conversation's row lock. What the caller may not see
   * ({@link io.inboxallocation.auth.Visibility}) answers 404, like a missing id.
   */
  private Future<Conversation> locked(Actor actor, UUID conversationId, BiFunction<Tx, Locked, Future<Conversation>> decide) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_CONVERSATION)
      .execute(Tuple.of(actor.tenantId(), conversationId, actor.inboxScope()))
      .compose(rows -> {
        Locked current = Rows.firstOrNull(rows, Locked::from);
        return current == null ? Future.failedFuture(ApiError.notFound("conversation"))
          : decide.apply(new Tx(conn, actor, conversationId), current);
      }));
  }

  /** The locked conversation's state before the command. */
  private record Locked(ConversationState state, UUID owner, UUID inboxId) {
    static Locked from(Row row) {
      return new Locked(ConversationState.valueOf(row.getString("state")), row.getUUID("assigned_operator_id"),
        row.getUUID("inbox_id"));
    }
  }

  /** One command's transaction. */
  private record Tx(SqlConnection conn, Actor actor, UUID conversationId) {

    /** The conversation as it now stands in this transaction. */
    Future<Conversation> unchanged() {
      return conn.preparedQuery(CURRENT).execute(Tuple.of(conversationId))
        .map(rows -> Rows.firstOrNull(rows, Conversation::from));
    }

    Future<Conversation> change(Transition transition, UUID owner) {
      return Lifecycle.change(conn, actor, conversationId, transition, owner);
    }
  }
}
