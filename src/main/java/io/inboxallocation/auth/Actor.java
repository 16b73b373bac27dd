package io.inboxallocation.auth;

import java.util.UUID;

/**
 * The authenticated caller, as every command and query receives it.
 *
 * @param tenantId null only for PLATFORM_ADMIN
 * @param subject  the token's {@code sub}: the operator id for staff roles
 */
public record Actor(UUID tenantId, String subject, Role role) {

  /** The calling operator's id; only meaningful for staff roles (checked against the database at authentication). */
  public UUID operatorId() {
    return role.isStaff() ? UUID.fromString(subject) : null;
  }

  /** The id to filter inboxes by, or null when the caller sees every inbox of the tenant. */
  public UUID inboxScope() {
    return role.seesAllInboxes() ? null : operatorId();
  }
}
