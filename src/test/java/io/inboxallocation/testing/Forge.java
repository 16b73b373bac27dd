package io.inboxallocation.testing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;

/** Hand-made JWTs for attacks: custom claims, other algorithms, no signature, tampered payloads. */
public final class Forge {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Forge() {
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** sub, role, tenant_id (when not null) and exp one hour ahead. */
  public static JsonObject claims(String subject, String role, UUID tenantId) {
    JsonObject claims = new JsonObject().put("sub", subject).put("role", role).put("exp", now() + 3600);
    if (tenantId != null) {
      claims.put("tenant_id", tenantId.toString());
    }
    return claims;
  }

  /** Signs exactly these claims (HS256, nothing added: no iat, no exp unless present). */
  public static String signed(JWTAuth auth, JsonObject claims) {
    return auth.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  /** header.payload. with {"alg":"none"}. */
  public static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(claims) + ".";
  }

  /** An HMAC token computed by hand; {@code alg} is HS256, HS384 or HS512. */
  public static String hmac(String alg, String secret, JsonObject claims) {
    String signingInput = encode(new JsonObject().put("alg", alg).put("typ", "JWT")) + "." + encode(claims);
    String javaName = "Hmac" + alg.replace("HS", "SHA");
    try {
      Mac mac = Mac.getInstance(javaName);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), javaName));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token with its payload replaced and the original signature kept. */
  public static String withPayload(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + encode(claims) + "." + parts[2];
  }

  public static JsonObject payloadOf(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
