package io.inboxallocation.problem;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Parameter;

import java.util.Locale;

/**
 * What a client hears about any failure, as a {@link Problem}. Anything a client can send maps to a 4xx; only our own
 * bugs give a 500.
 */
public final class Problems {

  private final String bodyTooLarge;

  /** {@code bodyLimitBytes} is the body handler's limit; the contract answers a larger body with 400, not 413. */
  public Problems(int bodyLimitBytes) {
    this.bodyTooLarge = "the body exceeds " + bodyLimitBytes / 1024 + " KiB";
  }

  /** The problem for a failed request: its failure, or only its status code when it failed without one. */
  public Problem of(Throwable failure, int statusCode) {
    if (failure instanceof ApiError error) {
      return Problem.of(error);
    }
    if (failure instanceof SchemaViolation violation) {
      return violation.parameter() == null ? invalidBody(violation) : invalidParameter(violation);
    }
    if (failure instanceof HttpException http) {
      return ofStatus(http.getStatusCode(), http.getPayload());
    }
    if (failure instanceof DecodeException) {
      return invalid("the body is not valid JSON", null);
    }
    if (failure == null) {
      return ofStatus(statusCode, null);
    }
    if (statusCode >= 400 && statusCode < 500) {
      // A handler of the web stack refused the request with its own exception (CORS: an origin not allowed).
      return ofStatus(statusCode, failure.getMessage());
    }
    ApiError mapped = PgErrors.toApiError(failure);
    return mapped != null ? Problem.of(mapped) : Problem.of(500, "unexpected error", null);
  }

  /** The problem for a request the HTTP codec could not parse: a request line over 4 KiB, headers over 16 KiB, garbage. */
  public static Problem ofUnparsableRequest(Throwable cause) {
    int status = cause instanceof TooLongHttpLineException ? 414
      : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    return Problem.of(status, cause == null ? "malformed HTTP request" : "malformed HTTP request: " + cause.getMessage(),
      null);
  }

  private Problem ofStatus(int status, String payload) {
    if (status == 413) {
      return invalid(bodyTooLarge, null);
    }
    return Problem.of(status, payload == null || payload.isBlank() ? defaultDetail(status) : payload, null);
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 401 -> "a valid bearer token is required";
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 415 -> "unsupported content type; send application/json";
      case 503 -> "the request did not complete in time";
      default -> "request failed";
    };
  }

  private static Problem invalidParameter(SchemaViolation violation) {
    Parameter parameter = violation.parameter();
    return invalid("The value of " + parameter.getIn().name().toLowerCase(Locale.ROOT) + " parameter "
      + parameter.getName() + " is invalid. Reason: " + mostSpecific(violation.output()).getError(), parameter.getName());
  }

  private static Problem invalidBody(SchemaViolation violation) {
    OutputUnit cause = mostSpecific(violation.output());
    String field = fieldAtFault(violation, cause);
    return invalid("invalid request body" + (field == null ? "" : " at " + field) + ": " + cause.getError(), field);
  }

  private static Problem invalid(String detail, String field) {
    return new Problem(ProblemType.INVALID_REQUEST, ProblemType.INVALID_REQUEST.status(), detail, field);
  }

  /**
   * The validator lists every failing keyword, from the outer schemas inwards: the deepest one says what is actually
   * wrong. Among equally deep ones, the last (as vertx-openapi's own messages take it).
   */
  private static OutputUnit mostSpecific(OutputUnit output) {
    OutputUnit best = output;
    int bestDepth = -1;
    if (output.getErrors() != null) {
      for (OutputUnit unit : output.getErrors()) {
        int depth = steps(unit.getKeywordLocation()).length;
        if (depth >= bestDepth) {
          best = unit;
          bestDepth = depth;
        }
      }
    }
    return best;
  }

  /**
   * The body member at fault as a JSON pointer without its leading slash; null for the body as a whole. A "required"
   * keyword fails at the object that lacks the property, so the property is named under it.
   */
  private static String fieldAtFault(SchemaViolation violation, OutputUnit cause) {
    String field = String.join("/", steps(cause.getInstanceLocation()));
    if (cause.getKeywordLocation().endsWith("/required")) {
      String property = lastMissingProperty(violation, cause);
      field = field.isEmpty() ? property : field + "/" + property;
    }
    return field.isEmpty() ? null : field;
  }

  /**
   * The validator reports one "required" failure per missing property, in the order of the schema's list, so the last
   * failure is about the last property of that list the object lacks.
   */
  private static String lastMissingProperty(SchemaViolation violation, OutputUnit cause) {
    JsonObject object = (JsonObject) JsonPointer.from(cause.getInstanceLocation().substring(1))
      .queryJson(violation.value());
    String missing = null;
    for (Object property : (JsonArray) schemaAt(violation.schema(), cause.getKeywordLocation())) {
      if (!object.containsKey((String) property)) {
        missing = (String) property;
      }
    }
    return missing;
  }

  /**
   * The schema's value at a keyword location. The contract's schemas hold a $ref's target in the place of the $ref, so
   * a $ref step stays where it is.
   */
  private static Object schemaAt(JsonSchema schema, String keywordLocation) {
    Object node = schema;
    for (String step : steps(keywordLocation)) {
      if (!step.equals("$ref")) {
        String key = step.replace("~1", "/").replace("~0", "~");
        node = node instanceof JsonSchema object ? object.get(key)
          : node instanceof JsonArray array ? array.getValue(Integer.parseInt(key))
          : ((JsonObject) node).getValue(key);
      }
    }
    return node;
  }

  /** The steps of a location such as {@code #/properties/name/type}. */
  private static String[] steps(String location) {
    return location.length() < 2 ? new String[0] : location.substring(2).split("/");
  }
}
