package io.inboxallocation.conversation;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.conversation.Conversation.SortKey;
import io.inboxallocation.conversation.ConversationMessages.Sort;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque keyset cursor: the sort it belongs to and the last row's ordering keys, base64url-encoded JSON.
 * Keyset pagination never repeats or skips rows when other rows are inserted or change between pages.
 */
final class Cursor {

  private Cursor() {
  }

  static String encode(Sort sort, SortKey key) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, key.activity().toInstant());
    JsonObject json = new JsonObject().put("s", sort.name()).put("t", micros).put("i", key.id().toString())
      .put("r", key.rank());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  static SortKey decode(String cursor, Sort sort) {
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      if (!sort.name().equals(json.getString("s"))) {
        throw ApiError.badRequest("cursor", "this cursor belongs to another sort order; start again without a cursor");
      }
      OffsetDateTime activity = Instant.EPOCH.plus(json.getLong("t"), ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
      return new SortKey(json.getDouble("r"), activity, UUID.fromString(json.getString("i")));
    } catch (ApiError e) {
      throw e;
    } catch (RuntimeException e) {
      throw ApiError.badRequest("cursor", "cursor is not one this service issued");
    }
  }
}
