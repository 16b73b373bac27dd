package io.inboxallocation.auth;

import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Turns a verified token into an {@link Actor}. The signature and expiry are checked by the JWT handler before this
 * runs; here we check the claims and that the tenant (and, for staff, the operator) still exists. The operator's role is
 * read from the database on every request, so a demotion or deletion takes effect at once.
 */
public final class Authenticator {

  private static final String LOOKUP = """
    SELECT o.role
    FROM tenant t
    LEFT JOIN operator o ON o.tenant_id = t.id AND o.id = $2
    WHERE t.id = $1""";

  private final SqlClient db;

  public Authenticator(SqlClient db) {
    this.db = db;
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
    UUID tenantId = uuidOrNull(user.get("tenant_id"));
    UUID operatorId = role.isStaff() ? uuidOrNull(subject) : null;
    if (tenantId == null || (role.isStaff() && operatorId == null)) {
      return unauthorized("tenant_id (and, for operators, sub) must be UUIDs");
    }
    return db.preparedQuery(LOOKUP).execute(Tuple.of(tenantId, operatorId)).compose(rows -> {
      Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
      if (row == null) {
        return unauthorized("unknown tenant");
      }
      if (!role.isStaff()) {
        return Future.succeededFuture(new Actor(tenantId, subject, role));
      }
      String stored = row.getString("role");
      return stored == null
        ? unauthorized("unknown operator")
        : Future.succeededFuture(new Actor(tenantId, subject, Role.valueOf(stored)));
    });
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
