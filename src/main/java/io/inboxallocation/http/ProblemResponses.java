package io.inboxallocation.http;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.problem.Problem;
import io.inboxallocation.problem.Problems;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every failure with an RFC 9457 problem ({@code application/problem+json}) that {@link Problems} makes of it.
 * Our own bugs (a 500) are logged with their stack trace.
 */
final class ProblemResponses implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

  private final Problems problems;

  ProblemResponses(Problems problems) {
    this.problems = problems;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = malformedAuthorization(ctx)
      ? ApiError.unauthorized("the Authorization header must be 'Bearer <token>'")
      : ctx.failure();
    Problem problem = problems.of(failure, ctx.statusCode());
    if (problem.status() >= 500 && problem.status() != 503) {
      LOG.error("{} {} failed (request {})", ctx.request().method(), ctx.request().path(), ctx.get(AccessLog.REQUEST_ID),
        failure);
    }
    if (ctx.response().ended()) {
      return;
    }
    if (problem.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    // A body still trickling in when the request timed out: close, or the client holds the connection for as long as
    // it likes. (Not for a body that was merely too large: closing while it still uploads resets the connection
    // before the client can read the answer.)
    write(ctx.request(), problem, ctx.get(AccessLog.REQUEST_ID), problem.status() == 503 && !ctx.request().isEnded());
  }

  /** The JWT handler answers a malformed Authorization header with a bare 400; the contract says 401. */
  private static boolean malformedAuthorization(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    return header != null && ctx.user() == null && ctx.failure() instanceof HttpException http
      && http.getStatusCode() == 400 && http.getCause() == null && !header.matches("Bearer [^\\s]+");
  }

  /**
   * Requests the HTTP codec could not even parse never reach the router; they get a problem too, and the connection is
   * closed since its framing cannot be trusted.
   */
  static void invalidRequest(HttpServerRequest request) {
    write(request, Problems.ofUnparsableRequest(request.decoderResult().cause()), null, true);
  }

  private static void write(HttpServerRequest request, Problem problem, String requestId, boolean close) {
    HttpServerResponse response = request.response();
    if (close) {
      response.putHeader("Connection", "close");
    }
    response.setStatusCode(problem.status()).putHeader("content-type", "application/problem+json")
      .end((requestId == null ? problem.toJson() : problem.toJson().put("requestId", requestId)).encode())
      .onComplete(sent -> {
        if (close) {
          request.connection().close();
        }
      });
  }
}
