package io.inboxallocation.problem;

/**
 * The kinds of RFC 9457 problem the service answers, each with its status and title. The {@code type} URI of a problem
 * is {@link #PREFIX} followed by the slug.
 */
public enum ProblemType {
  INVALID_REQUEST(400, "Invalid request", "invalid-request"),
  UNAUTHORIZED(401, "Unauthorized", "unauthorized"),
  FORBIDDEN(403, "Forbidden", "forbidden"),
  NOT_FOUND(404, "Not found", "not-found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed", "method-not-allowed"),
  CONFLICT(409, "Conflict", "conflict"),
  CAPACITY_REACHED(409, "Capacity reached", "capacity-reached"),
  GONE(410, "Gone", "gone"),
  URI_TOO_LONG(414, "URI too long", "uri-too-long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", "unsupported-media-type"),
  UNPROCESSABLE(422, "Unprocessable request", "unprocessable"),
  HEADERS_TOO_LARGE(431, "Request headers too large", "headers-too-large"),
  BAD_GATEWAY(502, "Bad gateway", "bad-gateway"),
  UNAVAILABLE(503, "Service unavailable", "unavailable"),
  GATEWAY_TIMEOUT(504, "Gateway timeout", "gateway-timeout"),
  CLIENT_ERROR(400, "Request failed", "client-error"),
  INTERNAL(500, "Internal error", "internal");

  public static final String PREFIX = "urn:inbox-allocation:problem:";

  private final int status;
  private final String title;
  private final String slug;

  ProblemType(int status, String title, String slug) {
    this.status = status;
    this.title = title;
    this.slug = slug;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String uri() {
    return PREFIX + slug;
  }

  /** The type for a bare status code (one the HTTP layer produced without an {@link ApiError}). */
  public static ProblemType forStatus(int status) {
    for (ProblemType type : values()) {
      if (type.status == status && type != CLIENT_ERROR) {
        return type;
      }
    }
    return status >= 400 && status < 500 ? CLIENT_ERROR : INTERNAL;
  }
}
