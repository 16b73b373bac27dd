package io.inboxallocation.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.handler.HttpException;

/** HS256 tokens: verified by the service, minted by whoever logs people in (and by the `token` command for local use). */
public final class Tokens {

  public static final String ALGORITHM = "HS256";

  private Tokens() {
  }

  public static JWTAuth auth(Vertx vertx, String secret) {
    return new Strict(JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
      // No leeway: a token is expired the second its exp passes, as the contract says.
      .setJWTOptions(new JWTOptions().setLeeway(0))));
  }

  /**
   * Whatever is wrong with a presented token (a claim of the wrong type makes the library throw), the answer is 401:
   * never a 500.
   */
  private record Strict(JWTAuth delegate) implements JWTAuth {

    @Override
    public Future<User> authenticate(Credentials credentials) {
      Future<User> verified;
      try {
        verified = delegate.authenticate(credentials);
      } catch (RuntimeException e) {
        verified = Future.failedFuture(e);
      }
      return verified.recover(e -> Future.failedFuture(e instanceof HttpException http && http.getStatusCode() == 401
        ? http : new HttpException(401, "invalid token", e)));
    }

    @Override
    public String generateToken(JsonObject claims, JWTOptions options) {
      return delegate.generateToken(claims, options);
    }

    @Override
    public String generateToken(JsonObject claims) {
      return delegate.generateToken(claims);
    }
  }

  /** A signed token for a caller; {@code tenantId} is null for PLATFORM_ADMIN. */
  public static String mint(JWTAuth auth, String subject, Role role, String tenantId, int ttlSeconds) {
    JsonObject claims = new JsonObject().put("sub", subject).put("role", role.name());
    if (tenantId != null) {
      claims.put("tenant_id", tenantId);
    }
    return auth.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setExpiresInSeconds(ttlSeconds));
  }
}
