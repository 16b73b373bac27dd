package io.inboxallocation.status;

import io.inboxallocation.bus.Items;
import io.inboxallocation.bus.Request;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.lifecycle.Lifecycle;

import java.util.UUID;

/**
 * Event-bus messages of operator status and grace; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 */
public final class StatusMessages {

  private StatusMessages() {
  }

  public record SetStatus(Actor actor, UUID operatorId, Availability status) implements Request<OperatorStatus> {
  }

  public record GetStatus(UUID tenantId, UUID operatorId) implements Request<OperatorStatus> {
  }

  public record ListGrace(UUID tenantId) implements Request<Items<GraceAssignment>> {
  }

  /** Expire what is due: for one tenant, or for all ({@code tenantId} null, the sweeper's run). */
  public record ProcessGrace(UUID tenantId) implements Request<Lifecycle.GraceRun> {
  }
}
