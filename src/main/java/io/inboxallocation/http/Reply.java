package io.inboxallocation.http;

/** What a route answers: a status and a body to write as JSON (none for 204). */
public record Reply(int status, Object body) {

  public static Reply ok(Object body) {
    return body == null ? noContent() : new Reply(200, body);
  }

  public static Reply created(Object body) {
    return new Reply(201, body);
  }

  public static Reply noContent() {
    return new Reply(204, null);
  }
}
