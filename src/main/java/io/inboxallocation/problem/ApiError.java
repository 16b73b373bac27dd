package io.inboxallocation.problem;

/**
 * A failure the client caused or must hear about: its problem type, a detail, and the request field at fault if one
 * is. Thrown (or failed with) anywhere; it reaches the HTTP edge unchanged, across the event bus too.
 */
public final class ApiError extends RuntimeException {

  private final ProblemType type;
  private final String field;

  public ApiError(ProblemType type, String detail, String field) {
    super(detail, null, false, false);
    this.type = type;
    this.field = field;
  }

  public static ApiError badRequest(String field, String detail) {
    return new ApiError(ProblemType.INVALID_REQUEST, detail, field);
  }

  public static ApiError unauthorized(String detail) {
    return new ApiError(ProblemType.UNAUTHORIZED, detail, null);
  }

  public static ApiError forbidden(String detail) {
    return new ApiError(ProblemType.FORBIDDEN, detail, null);
  }

  public static ApiError notFound(String what) {
    return new ApiError(ProblemType.NOT_FOUND, what + " not found", null);
  }

  public static ApiError conflict(String detail) {
    return new ApiError(ProblemType.CONFLICT, detail, null);
  }

  /** The operator already holds as many conversations as their capacity allows. */
  public static ApiError capacityReached(String detail) {
    return new ApiError(ProblemType.CAPACITY_REACHED, detail, null);
  }

  public static ApiError gone(String detail) {
    return new ApiError(ProblemType.GONE, detail, null);
  }

  public static ApiError unprocessable(String detail) {
    return new ApiError(ProblemType.UNPROCESSABLE, detail, null);
  }

  public static ApiError unavailable(String detail) {
    return new ApiError(ProblemType.UNAVAILABLE, detail, null);
  }

  /** A service we depend on (the orchestrator) answered wrongly, or could not be reached. */
  public static ApiError badGateway(String detail) {
    return new ApiError(ProblemType.BAD_GATEWAY, detail, null);
  }

  /** A service we depend on (the orchestrator) did not answer in time. */
  public static ApiError gatewayTimeout(String detail) {
    return new ApiError(ProblemType.GATEWAY_TIMEOUT, detail, null);
  }

  public ProblemType type() {
    return type;
  }

  public int status() {
    return type.status();
  }

  public String field() {
    return field;
  }
}
