package io.inboxallocation.http;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.problem.ProblemType;
import io.inboxallocation.problem.PgErrors;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every failure becomes an RFC 9457 problem ({@code application/problem+json}). Anything a client can send maps to a
 * 4xx; only our own bugs give a 500, and those are logged with their stack trace.
 */
final class Problems implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final Pattern PARAMETER = Pattern.compile("(?:path|query|header|cookie) parameter (\\w+)");
  private static final Pattern REQUIRED = Pattern.compile("required property \"([^\"]+)\"");

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    Problem problem = malformedAuthorization(ctx, failure)
      ? Problem.of(401, "the Authorization header must be 'Bearer <token>'", null)
      : problemOf(failure, ctx.statusCode());
    if (problem.status() >= 500 && problem.status() != 503) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    send(ctx, problem);
  }

  /** The JWT handler answers a malformed Authorization header with a bare 400; the contract says 401. */
  private static boolean malformedAuthorization(RoutingContext ctx, Throwable failure) {
    String header = ctx.request().getHeader("Authorization");
    return header != null && ctx.user() == null && failure instanceof HttpException http
      && http.getStatusCode() == 400 && http.getCause() == null && !header.matches("Bearer [^\\s]+");
  }

  static void send(RoutingContext ctx, Problem problem) {
    if (ctx.response().ended()) {
      return;
    }
    if (problem.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    // A body still trickling in when the request timed out: close, or the client holds the connection for as long as
    // it likes. (Not for a body that was merely too large: closing while it still uploads resets the connection
    // before the client can read the answer.)
    write(ctx.request(), problem.toJson(), problem.status() == 503 && !ctx.request().isEnded());
  }

  /**
   * Requests the HTTP codec could not even parse (a request line over 4 KiB, headers over 16 KiB, garbage) never reach
   * the router; they get a problem too, and the connection is closed since its framing cannot be trusted.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
      : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    write(request, Problem.of(status, cause == null ? "malformed HTTP request" : "malformed HTTP request: "
      + cause.getMessage(), null).toJson(), true);
  }

  private static void write(HttpServerRequest request, JsonObject body, boolean close) {
    HttpServerResponse response = request.response();
    if (close) {
      response.putHeader("Connection", "close");
    }
    response.setStatusCode(body.getInteger("status")).putHeader("content-type", "application/problem+json")
      .end(body.encode())
      .onComplete(sent -> {
        if (close) {
          request.connection().close();
        }
      });
  }

  private static Problem problemOf(Throwable failure, int statusCode) {
    if (failure instanceof ApiError error) {
      return Problem.of(error);
    }
    if (failure instanceof HttpException http) {
      return fromHttpException(http);
    }
    if (failure instanceof DecodeException) {
      return Problem.of(400, "the body is not valid JSON", null);
    }
    if (failure instanceof ValidatorException validation) {
      return fromValidation(validation);
    }
    if (failure instanceof IllegalArgumentException && isUriDecoding(failure)) {
      return Problem.of(400, "the request URI is not correctly percent-encoded", null);
    }
    if (failure == null) {
      return statusCode == 413 ? tooLarge() : Problem.of(statusCode, defaultDetail(statusCode), null);
    }
    ApiError mapped = PgErrors.toApiError(failure);
    return mapped != null ? Problem.of(mapped)
      : Problem.of(500, "unexpected error", null);
  }

  private static Problem fromHttpException(HttpException http) {
    if (http.getCause() instanceof ValidatorException validation) {
      return fromValidation(validation);
    }
    int status = http.getStatusCode();
    if (status == 413) {
      return tooLarge();
    }
    if (status == 401) {
      String why = http.getPayload();
      return Problem.of(401, why == null || why.isBlank() ? "a valid bearer token is required" : why, null);
    }
    return Problem.of(status, http.getPayload() != null ? http.getPayload() : defaultDetail(status), null);
  }

  private static boolean isUriDecoding(Throwable failure) {
    StackTraceElement[] stack = failure.getStackTrace();
    return stack.length > 0 && (stack[0].getClassName().contains("Decoder") || stack[0].getClassName().contains("HttpUtils")
      || String.valueOf(failure.getMessage()).startsWith("invalid hex"));
  }

  /** The contract answers an oversized body with 400, not 413. */
  private static Problem tooLarge() {
    return Problem.of(400, "the body exceeds " + HttpVerticle.BODY_LIMIT_BYTES / 1024 + " KiB", null);
  }

  private static Problem fromValidation(ValidatorException validation) {
    Matcher parameter = PARAMETER.matcher(validation.getMessage());
    if (parameter.find() || !(validation instanceof SchemaValidationException schema)
      || schema.getOutputUnit() == null) {
      return Problem.of(400, validation.getMessage(), parameter.find(0) ? parameter.group(1) : null);
    }
    OutputUnit cause = mostSpecific(schema.getOutputUnit());
    String field = pointer(cause.getInstanceLocation());
    Matcher required = REQUIRED.matcher(String.valueOf(cause.getError()));
    if (required.find()) {
      field = (field == null ? "" : field + "/") + required.group(1);
    }
    String detail = "invalid request body" + (field == null ? "" : " at " + field) + ": " + cause.getError();
    return Problem.of(400, detail, field);
  }

  /** The validator lists every failing keyword, outermost first; the deepest keyword says what is actually wrong. */
  private static OutputUnit mostSpecific(OutputUnit unit) {
    OutputUnit best = unit;
    List<OutputUnit> pending = new ArrayList<>(unit.getErrors() == null ? List.of() : unit.getErrors());
    while (!pending.isEmpty()) {
      OutputUnit candidate = pending.remove(0);
      if (candidate.getErrors() != null) {
        pending.addAll(candidate.getErrors());
      }
      if (candidate.getError() != null && depth(candidate) > depth(best)) {
        best = candidate;
      }
    }
    return best;
  }

  private static int depth(OutputUnit unit) {
    return unit.getError() == null || unit.getKeywordLocation() == null ? -1 : unit.getKeywordLocation().length();
  }

  private static String pointer(String instanceLocation) {
    if (instanceLocation == null) {
      return null;
    }
    String field = instanceLocation.replaceFirst("^#?/?", "");
    return field.isEmpty() ? null : field;
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 415 -> "unsupported content type; send application/json";
      case 503 -> "the request did not complete in time";
      default -> "request failed";
    };
  }

  /** A problem; {@code status} is the type's own, except for a generic client or server error that keeps its code. */
  record Problem(ProblemType type, int status, String detail, String field) {
    static Problem of(int status, String detail, String field) {
      int code = status >= 400 && status < 600 ? status : 500;
      return new Problem(ProblemType.forStatus(code), code, detail, field);
    }

    static Problem of(ApiError error) {
      return new Problem(error.type(), error.status(), error.getMessage(), error.field());
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("type", type.uri()).put("title", type.title())
        .put("status", status).put("detail", detail);
      return field == null ? json : json.put("field", field);
    }
  }
}
