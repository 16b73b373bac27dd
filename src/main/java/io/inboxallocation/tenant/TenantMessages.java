package io.inboxallocation.tenant;

import io.inboxallocation.assignment.AssignmentMode;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.bus.Request;
import io.inboxallocation.json.Nullable;
import java.util.UUID;

/**
 * Event-bus messages of the tenant capability; each is a {@link io.inboxallocation.bus.Request}, addressed by its class.
 */
public final class TenantMessages {

  private TenantMessages() {
  }

  public record CreateTenant(String name) implements Request<Tenant> {
  }

  public record GetTenant(UUID tenantId) implements Request<Tenant> {
  }

  /** Null fields are left as they are. */
  public record UpdateTenant(Actor actor, String name, Double messageCountWeight, Double delayWeight,
                             Integer gracePeriodSeconds, Nullable<Integer> defaultMaxConcurrent,
                             AssignmentMode assignmentMode) implements Request<Tenant> {
  }
}
