package io.inboxallocation.http;

import io.vertx.core.buffer.Buffer;

/**
 * What a route answers: a status and a body to write as JSON (none for 204). A replayed answer (Idempotency-Key)
 * carries the JSON exactly as it was first sent; a conditional read carries its ETag.
 */
public record Reply(int status, Object body, boolean replayed, String etag) {

  public static Reply ok(Object body) {
    return body == null ? noContent() : new Reply(200, body, false, null);
  }

  public static Reply created(Object body) {
    return new Reply(201, body, false, null);
  }

  /** Taken on: the work it asks for happens next (a webhook delivery). */
  public static Reply accepted(Object body) {
    return new Reply(202, body, false, null);
  }

  public static Reply noContent() {
    return new Reply(204, null, false, null);
  }

  static Reply replayed(int status, Buffer json) {
    return new Reply(status, json, true, null);
  }

  static Reply notModified(String etag) {
    return new Reply(304, null, false, etag);
  }

  /** This reply with the ETag of the read that produced it (null: none). */
  Reply tagged(String tag) {
    return new Reply(status, body, replayed, status == 200 ? tag : null);
  }
}
