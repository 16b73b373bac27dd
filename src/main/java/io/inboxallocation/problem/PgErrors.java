package io.inboxallocation.problem;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.net.ConnectException;

/** Turns what PostgreSQL says into what a client should hear; null means "a bug of ours" (500). */
public final class PgErrors {

  private PgErrors() {
  }

  public static ApiError toApiError(Throwable failure) {
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return switch (state) {
        case "23505" -> ApiError.conflict("already exists: " + constraintOf(pg));
        case "23503" -> ApiError.conflict("still referenced, or refers to something missing: " + constraintOf(pg));
        case "23514" -> ApiError.conflict("violates " + constraintOf(pg));
        case "40001", "40P01", "55P03" -> ApiError.conflict("a concurrent change won; retry");
        case "57014" -> ApiError.unavailable("the database took too long to answer");
        case "3D000" -> ApiError.unavailable("the database does not exist");
        default -> state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
          ? ApiError.unavailable("the database is unavailable")
          : state.startsWith("22") ? ApiError.badRequest(null, "invalid value: " + pg.getErrorMessage()) : null;
      };
    }
    String message = String.valueOf(failure.getMessage()).toLowerCase();
    // An I/O failure on a database connection ("Connection reset by peer" is a plain IOException, not a
    // SocketException) is an outage too.
    if (failure instanceof ClosedConnectionException || failure instanceof IOException
      || failure.getCause() instanceof ConnectException
      || (failure instanceof VertxException && (message.contains("timeout") || message.contains("pool closed")))) {
      return ApiError.unavailable("the database is unavailable");
    }
    return null;
  }

  /** For {@code recover}: a unique violation becomes a 409 with this detail; other failures pass through. */
  public static <T> Future<T> conflictOnDuplicate(Throwable failure, String detail) {
    return Future.failedFuture(failure instanceof PgException pg && "23505".equals(pg.getSqlState())
      ? ApiError.conflict(detail) : failure);
  }

  private static String constraintOf(PgException pg) {
    return pg.getConstraint() != null ? pg.getConstraint() : pg.getErrorMessage();
  }
}
