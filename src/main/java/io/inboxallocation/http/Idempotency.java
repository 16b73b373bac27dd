package io.inboxallocation.http;

import io.inboxallocation.json.ApiJson;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code Idempotency-Key} header (IETF draft-ietf-httpapi-idempotency-key-header): a retried command with the same
 * key replays the first answer instead of running again. Only successful answers are kept (24 h): a failed attempt
 * changed nothing, so its retry simply runs ({@link IdempotencyPurge} drops old answers). The same key for another request is a 422; while the first is still
 * running, a 409. A first attempt that never finished (its node died) is abandoned after twice the request timeout.
 */
final class Idempotency {

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotency-Replayed";
  private static final Set<HttpMethod> COMMANDS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
    HttpMethod.DELETE);

  private static final String CLAIM = """
    INSERT INTO idempotency_key AS k (scope, key, request_hash) VALUES ($1, $2, $3)
    ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = NULL, body = NULL,
                                           created_at = now()
      WHERE k.created_at < now() - interval '24 hours'
         OR (k.status IS NULL AND k.created_at < now() - make_interval(secs => $4))
    RETURNING true AS claimed""";

  private static final String STORED = "SELECT request_hash, status, body FROM idempotency_key WHERE scope = $1 AND key = $2";
  private static final String COMPLETE = "UPDATE idempotency_key SET status = $3, body = $4 WHERE scope = $1 AND key = $2";
  private static final String RELEASE = "DELETE FROM idempotency_key WHERE scope = $1 AND key = $2 AND status IS NULL";

  private final SqlClient db;
  private final double abandonAfterSeconds;

  Idempotency(SqlClient db, Duration requestTimeout) {
    this.db = db;
    this.abandonAfterSeconds = requestTimeout.multipliedBy(2).toMillis() / 1000.0;
  }

  /** Runs {@code command} at most once per key; without the header (or for reads) it just runs it. */
  Future<Reply> once(RoutingContext ctx, Actor actor, Supplier<Future<Reply>> command) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null || !COMMANDS.contains(ctx.request().method())) {
      return command.get();
    }
    if (!key.matches("[\\x21-\\x7E]{1,255}")) {
      return Future.failedFuture(ApiError.badRequest(HEADER, HEADER + " must be 1 to 255 printable ASCII characters"));
    }
    String scope = actor.tenantId() + ":" + actor.subject();
    String hash = requestHash(ctx);
    return db.preparedQuery(CLAIM).execute(Tuple.of(scope, key, hash, abandonAfterSeconds))
      .compose(claimed -> claimed.size() > 0
        ? run(scope, key, command)
        : db.preparedQuery(STORED).execute(Tuple.of(scope, key))
          .compose(rows -> replay(rows.iterator().hasNext() ? rows.iterator().next() : null, hash)));
  }

  private Future<Reply> run(String scope, String key, Supplier<Future<Reply>> command) {
    Future<Reply> result;
    try {
      result = command.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.transform(outcome -> {
      if (outcome.succeeded() && outcome.result().status() < 300) {
        Reply reply = outcome.result();
        String body = reply.body() == null ? null : ApiJson.encode(reply.body()).toString(StandardCharsets.UTF_8);
        return db.preparedQuery(COMPLETE).execute(Tuple.of(scope, key, reply.status(), body)).map(stored -> reply);
      }
      return db.preparedQuery(RELEASE).execute(Tuple.of(scope, key))
        .transform(released -> outcome.succeeded() ? Future.succeededFuture(outcome.result())
          : Future.failedFuture(outcome.cause()));
    });
  }

  private static Future<Reply> replay(Row stored, String hash) {
    if (stored == null) {
      return Future.failedFuture(ApiError.conflict("a request with this " + HEADER + " has just finished; retry"));
    }
    if (!stored.getString("request_hash").equals(hash)) {
      return Future.failedFuture(ApiError.unprocessable(HEADER + " was already used for a different request"));
    }
    Integer status = stored.getInteger("status");
    if (status == null) {
      return Future.failedFuture(ApiError.conflict("a request with this " + HEADER + " is still in progress"));
    }
    String body = stored.getString("body");
    return Future.succeededFuture(Reply.replayed(status, body == null ? null : Buffer.buffer(body)));
  }

  private static String requestHash(RoutingContext ctx) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((ctx.request().method().name() + " " + ctx.request().uri() + "\n").getBytes(StandardCharsets.UTF_8));
      if (ctx.body() != null && ctx.body().buffer() != null) {
        digest.update(ctx.body().buffer().getBytes());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
