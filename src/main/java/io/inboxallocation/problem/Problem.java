package io.inboxallocation.problem;

import io.vertx.core.json.JsonObject;

/** An RFC 9457 problem: its type, the HTTP status, a detail, and the request field at fault when one is. */
public record Problem(ProblemType type, int status, String detail, String field) {

  /** A problem for a bare status: the status's own type, except that a generic client or server error keeps its code. */
  static Problem of(int status, String detail, String field) {
    int code = status >= 400 && status < 600 ? status : 500;
    return new Problem(ProblemType.forStatus(code), code, detail, field);
  }

  static Problem of(ApiError error) {
    return new Problem(error.type(), error.status(), error.getMessage(), error.field());
  }

  /** The {@code application/problem+json} body: type, title, status, detail, and field when there is one. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type.uri()).put("title", type.title())
      .put("status", status).put("detail", detail);
    return field == null ? json : json.put("field", field);
  }
}
