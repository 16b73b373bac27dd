package io.inboxallocation.http;

import io.inboxallocation.auth.Actor;
import io.vertx.core.http.HttpServerRequest;

import java.util.Set;

/**
 * Conditional polling (docs/ARCHITECTURE.md, "Conditional polling"). A listing's ETag names the position of the
 * tenant's last event as this node knows it, and who asked for what: the same tag means nothing the caller can see
 * has changed, so {@code If-None-Match} with it answers 304 before any SQL. The tag is taken before the query runs,
 * so the data sent with it is never older than the tag says.
 */
final class Conditional {

  /** The reads that answer with an ETag. */
  static final Set<String> OPERATIONS = Set.of("listConversations", "getConversation", "listInboxes", "listOperators");
  /** Those of them an operator's tag can follow the operator's own scope for ({@code Feed.conversationVersion}). */
  static final Set<String> CONVERSATION_READS = Set.of("listConversations", "getConversation");

  private Conditional() {
  }

  /** The strong ETag of this read at this tenant version; null when the version is unknown (no tag, no 304). */
  static String tag(long tenantVersion, Actor actor, HttpServerRequest request) {
    if (tenantVersion < 0) {
      return null;
    }
    long who = 31L * actor.subject().hashCode() + actor.role().ordinal();
    long what = 0xcbf29ce484222325L;
    for (char c : request.uri().toCharArray()) {
      what = (what ^ c) * 0x100000001b3L;
    }
    return "\"" + tenantVersion + "-" + Long.toHexString(who ^ what) + "\"";
  }

  /** Whether {@code If-None-Match} names this tag (the header may list several, or be {@code *}). */
  static boolean matches(String ifNoneMatch, String tag) {
    if (ifNoneMatch == null || tag == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String trimmed = candidate.trim();
      if (trimmed.equals("*") || trimmed.equals(tag) || trimmed.equals("W/" + tag)) {
        return true;
      }
    }
    return false;
  }
}
