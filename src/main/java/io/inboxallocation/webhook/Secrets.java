package io.inboxallocation.webhook;

import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;

import java.security.SecureRandom;
import java.util.Base64;

/** Endpoint secrets and signatures, per the Standard Webhooks specification (its authors' library signs). */
final class Secrets {

  static final String PREFIX = "whsec_";
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {
  }

  /** {@code whsec_} and the base64 of 32 random bytes. */
  static String generate() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The {@code webhook-signature} header: {@code v1,<base64 HMAC-SHA256 of id.timestamp.body>}, and a second one,
   * space-separated, with the previous secret while a rotation lets it sign ({@code previous} not null).
   */
  static String signature(String messageId, long timestampSeconds, String body, String secret, String previous) {
    String current = sign(secret, messageId, timestampSeconds, body);
    return previous == null ? current : current + " " + sign(previous, messageId, timestampSeconds, body);
  }

  private static String sign(String secret, String messageId, long timestampSeconds, String body) {
    try {
      return new com.standardwebhooks.Webhook(secret).sign(messageId, timestampSeconds, body);
    } catch (WebhookSigningException | EmptyWebhookSecretException e) {
      throw new IllegalStateException("cannot sign a webhook delivery", e);
    }
  }
}
