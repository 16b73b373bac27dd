package io.inboxallocation.status;

import io.inboxallocation.auth.Actor;

import java.util.UUID;

/** Event-bus messages of operator status and grace; each carries its address. */
public final class StatusMessages {

  private StatusMessages() {
  }

  public record SetStatus(Actor actor, UUID operatorId, String status) {
    public static final String ADDRESS = "status.set";
  }

  public record GetStatus(UUID tenantId, UUID operatorId) {
    public static final String ADDRESS = "status.get";
  }

  public record ListGrace(UUID tenantId) {
    public static final String ADDRESS = "grace.list";
  }

  /** Expire what is due: for one tenant, or for all ({@code tenantId} null, the sweeper's run). */
  public record ProcessGrace(UUID tenantId) {
    public static final String ADDRESS = "grace.process";
  }
}
