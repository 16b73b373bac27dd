package io.inboxallocation.auth;

import java.util.EnumSet;
import java.util.Set;

/** Who is calling. The first three are operators of a tenant; the role stored for the operator is the one that counts. */
public enum Role {
  OPERATOR, MANAGER, ADMIN, SERVICE, PLATFORM_ADMIN;

  public static final Set<Role> STAFF = EnumSet.of(OPERATOR, MANAGER, ADMIN);
  public static final Set<Role> TENANT = EnumSet.of(OPERATOR, MANAGER, ADMIN, SERVICE);
  public static final Set<Role> MANAGERS = EnumSet.of(MANAGER, ADMIN);
  public static final Set<Role> ADMINS = EnumSet.of(ADMIN);
  public static final Set<Role> INGEST = EnumSet.of(SERVICE, ADMIN);
  public static final Set<Role> PLATFORM = EnumSet.of(PLATFORM_ADMIN);
  public static final Set<Role> OPERATOR_CREATORS = EnumSet.of(ADMIN, PLATFORM_ADMIN);

  public boolean isStaff() {
    return STAFF.contains(this);
  }

  /** Managers and admins see and act on every inbox of their tenant; operators only on their subscribed inboxes. */
  public boolean seesAllInboxes() {
    return this != OPERATOR;
  }
}
