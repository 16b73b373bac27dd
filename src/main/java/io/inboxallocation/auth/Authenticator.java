package io.inboxallocation.auth;

import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;

import java.util.UUID;
import java.util.function.Predicate;

/**
 * Turns a verified token into an {@link Actor}. The signature and expiry are checked by the JWT handler before this
 * runs; here we check the claims and that the tenant (and, for staff, the operator) still exists, with the operator's
 * stored role, not the token's. Those facts come from the node's {@link AccessCache}, read past whenever the tenant's
 * cached facts are not trusted (a write of this node not yet read back from the feed).
 */
public final class Authenticator {

  private final AccessCache access;
  private final Predicate<UUID> cacheTrusted;

  public Authenticator(AccessCache access, Predicate<UUID> cacheTrusted) {
    this.access = access;
    this.cacheTrusted = cacheTrusted;
  }

  public Future<Actor> actor(User user) {
    if (user == null || !(user.get("exp") instanceof Number)) {
      return unauthorized("the token must carry an exp claim");
    }
    Role role = roleOf(user.get("role"));
    String subject = user.get("sub") instanceof String s && !s.isBlank() ? s : null;
    if (role == null || subject == null) {
      return unauthorized("the token must carry sub and a known role");
    }
    if (role == Role.PLATFORM_ADMIN) {
      return Future.succeededFuture(new Actor(null, subject, role));
    }
    UUID tenantId = tenantOf(user);
    UUID operatorId = role.isStaff() ? uuidOrNull(subject) : null;
    if (tenantId == null || (role.isStaff() && operatorId == null)) {
      return unauthorized("tenant_id (and, for operators, sub) must be UUIDs");
    }
    return access.get(tenantId, operatorId, !cacheTrusted.test(tenantId)).compose(found -> {
      if (found == null) {
        return unauthorized(role.isStaff() ? "unknown tenant or operator" : "unknown tenant");
      }
      return Future.succeededFuture(new Actor(tenantId, subject, role.isStaff() ? found.role() : role));
    });
  }

  /** The tenant a verified token names, or null (none, or not a UUID); its other claims are not checked here. */
  public static UUID tenantOf(User user) {
    return user == null ? null : uuidOrNull(user.get("tenant_id"));
  }

  private static Role roleOf(Object claim) {
    if (claim instanceof String name) {
      for (Role role : Role.values()) {
        if (role.name().equals(name)) {
          return role;
        }
      }
    }
    return null;
  }

  private static UUID uuidOrNull(Object claim) {
    if (claim instanceof String text) {
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static <T> Future<T> unauthorized(String why) {
    return Future.failedFuture(ApiError.unauthorized(why));
  }

  /** The role check every route makes before its handler runs. */
  public static Actor require(Actor actor, java.util.Set<Role> allowed) {
    if (!allowed.contains(actor.role())) {
      throw ApiError.forbidden("role " + actor.role() + " may not do this");
    }
    return actor;
  }
}
