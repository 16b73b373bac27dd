package io.inboxallocation.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** HS256 tokens: verified by the service, minted by whoever logs people in (and by the `token` command for local use). */
public final class Tokens {

  public static final String ALGORITHM = "HS256";

  private Tokens() {
  }

  public static JWTAuth auth(Vertx vertx, String secret) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
      .setJWTOptions(new JWTOptions().setLeeway(5)));
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
