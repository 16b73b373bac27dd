package io.inboxallocation.bus;

/**
 * A failure the client caused or must hear about, with its HTTP status: 400, 403, 404, 409, 503.
 * Thrown (or failed with) anywhere; the bus carries it as a {@code ReplyException} with the same code.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String field;

  private ApiError(int status, String detail, String field) {
    super(detail, null, false, false);
    this.status = status;
    this.field = field;
  }

  public static ApiError badRequest(String field, String detail) {
    return new ApiError(400, detail, field);
  }

  public static ApiError forbidden(String detail) {
    return new ApiError(403, detail, null);
  }

  public static ApiError notFound(String what) {
    return new ApiError(404, what + " not found", null);
  }

  public static ApiError conflict(String detail) {
    return new ApiError(409, detail, null);
  }

  public static ApiError unavailable(String detail) {
    return new ApiError(503, detail, null);
  }

  public static ApiError of(int status, String detail) {
    return new ApiError(status, detail, null);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }
}
