package io.inboxallocation.http;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the body like {@link RequestExtractor#withBodyHandler()}, and hands string-typed path and query values to the
 * validator as JSON string literals. Left raw, the validator decodes anything that is not a plain word as JSON first,
 * so {@code phoneNumber=%2B5511999990000} would become the number 5511999990000 and fail as "not a string".
 */
final class StringParameters implements RequestExtractor {

  private final RequestExtractor body = RequestExtractor.withBodyHandler();

  @Override
  public Future<ValidatableRequest> extractValidatableRequest(RoutingContext ctx, Operation operation) {
    return body.extractValidatableRequest(ctx, operation).map(request -> new Quoted(request,
      quoted(request.getPathParameters(), operation, Location.PATH),
      quoted(request.getQuery(), operation, Location.QUERY)));
  }

  private static Map<String, RequestParameter> quoted(Map<String, RequestParameter> values, Operation operation,
                                                      Location in) {
    Map<String, RequestParameter> copy = new HashMap<>(values);
    for (Parameter parameter : operation.getParameters()) {
      if (parameter.getIn() == in && parameter.getSchemaType() == SchemaType.STRING
        && copy.get(parameter.getName()) != null && copy.get(parameter.getName()).get() instanceof String text) {
        String literal = Json.encode(text);
        copy.put(parameter.getName(), () -> literal);
      }
    }
    return copy;
  }

  private record Quoted(ValidatableRequest original, Map<String, RequestParameter> getPathParameters,
                        Map<String, RequestParameter> getQuery) implements ValidatableRequest {

    @Override
    public Map<String, RequestParameter> getCookies() {
      return original.getCookies();
    }

    @Override
    public Map<String, RequestParameter> getHeaders() {
      return original.getHeaders();
    }

    @Override
    public RequestParameter getBody() {
      return original.getBody();
    }

    @Override
    public String getContentType() {
      return original.getContentType();
    }
  }
}
