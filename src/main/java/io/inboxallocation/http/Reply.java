package io.inboxallocation.http;

import io.vertx.core.buffer.Buffer;

/**
 * What a route answers: a status and a body to write as JSON (none for 204). A replayed answer (Idempotency-Key)
 * carries the JSON exactly as it was first sent.
 */
public record Reply(int status, Object body, boolean replayed) {

  public static Reply ok(Object body) {
    return body == null ? noContent() : new Reply(200, body, false);
  }

  public static Reply created(Object body) {
    return new Reply(201, body, false);
  }

  public static Reply noContent() {
    return new Reply(204, null, false);
  }

  static Reply replayed(int status, Buffer json) {
    return new Reply(status, json, true);
  }
}
