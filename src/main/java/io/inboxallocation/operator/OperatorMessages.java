package io.inboxallocation.operator;

import io.inboxallocation.bus.Items;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.auth.Role;
import io.inboxallocation.bus.Request;
import io.inboxallocation.json.Nullable;
import java.util.UUID;

/**
 * Event-bus messages of the operator capability; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 */
public final class OperatorMessages {

  private OperatorMessages() {
  }

  public record CreateOperator(Actor actor, UUID tenantId, String name, Role role) implements Request<Operator> {
  }

  /** Null fields are left as they are. */
  /** Null fields are left as they are. */
  public record UpdateOperator(Actor actor, UUID operatorId, String name, Role role, Nullable<Integer> maxConcurrent)
    implements Request<Operator> {
  }

  public record DeleteOperator(Actor actor, UUID operatorId) implements Request<Void> {
  }

  public record ListOperators(UUID tenantId) implements Request<Items<Operator>> {
  }

  public record GetOperator(UUID tenantId, UUID operatorId) implements Request<Operator> {
  }
}
