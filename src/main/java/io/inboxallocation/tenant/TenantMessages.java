package io.inboxallocation.tenant;

import java.util.UUID;

/** Event-bus messages of the tenant capability; each carries its address. */
public final class TenantMessages {

  private TenantMessages() {
  }

  public record CreateTenant(String name) {
    public static final String ADDRESS = "tenant.create";
  }

  public record GetTenant(UUID tenantId) {
    public static final String ADDRESS = "tenant.get";
  }

  /** Null fields are left as they are. */
  public record UpdateTenant(UUID tenantId, String name, Double messageCountWeight, Double delayWeight,
                             Integer gracePeriodSeconds) {
    public static final String ADDRESS = "tenant.update";
  }
}
