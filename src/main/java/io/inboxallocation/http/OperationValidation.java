package io.inboxallocation.http;

import io.inboxallocation.problem.ApiError;
import io.inboxallocation.problem.SchemaViolation;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.analyser.ContentAnalyser;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The first handler of an operation: checks the request against the operation in openapi.yaml and leaves the
 * {@link ValidatedInput} for the handlers. It replaces the router's own validation, which in vertx-openapi 5.0.10 builds
 * a JSON-schema validator per parameter and per body on every request (each one copying the contract's whole schema
 * table) and runs on a worker thread; here the validators are built once, at start-up, and run on the event loop.
 */
final class OperationValidation implements Handler<RoutingContext> {

  private final List<ParameterCheck> parameters;
  private final RequestBody body;
  private final Map<String, Validator> bodyValidators;

  OperationValidation(SchemaRepository schemas, Operation operation) {
    this.parameters = operation.getParameters().stream()
      .map(parameter -> new ParameterCheck(requireSupported(operation, parameter), schemas.validator(parameter.getSchema())))
      .toList();
    this.body = operation.getRequestBody();
    this.bodyValidators = body == null ? Map.of() : body.getContent().values().stream()
      .collect(Collectors.toMap(MediaType::getIdentifier, mediaType -> schemas.validator(mediaType.getSchema())));
  }

  @Override
  public void handle(RoutingContext ctx) {
    ValidatedInput input;
    try {
      input = validate(ctx);
    } catch (ApiError | SchemaViolation invalid) {
      ctx.fail(invalid);
      return;
    }
    ctx.put(ValidatedInput.KEY, input);
    ctx.next();
  }

  private ValidatedInput validate(RoutingContext ctx) {
    Map<String, Object> path = new HashMap<>();
    Map<String, Object> query = new HashMap<>();
    for (ParameterCheck check : parameters) {
      Object value = check.validate(check.text(ctx));
      if (value != null) {
        (check.inPath() ? path : query).put(check.parameter().getName(), value);
      }
    }
    return new ValidatedInput(path, query, body(ctx));
  }

  private Object body(RoutingContext ctx) {
    if (body == null) {
      return null;
    }
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      if (body.isRequired()) {
        throw ApiError.badRequest(null, "The related request does not contain the required body.");
      }
      return null;
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    MediaType mediaType = body.determineContentType(contentType);
    ContentAnalyser analyser = mediaType == null ? null
      : ContentAnalyser.getContentAnalyser(mediaType, contentType, raw, ValidationContext.REQUEST);
    if (analyser == null) {
      throw ApiError.badRequest(null, "The format of the request body is not supported");
    }
    Object value;
    try {
      analyser.checkSyntacticalCorrectness();
      value = analyser.transform();
    } catch (ValidatorException malformed) {
      throw ApiError.badRequest(null, malformed.getMessage());
    }
    OutputUnit output = bodyValidators.get(mediaType.getIdentifier()).validate(value);
    if (!output.getValid()) {
      throw SchemaViolation.ofBody(mediaType.getSchema(), value, output);
    }
    return value;
  }

  /** Path and query parameters of primitive types are all openapi.yaml uses; anything else must not go unchecked. */
  private static Parameter requireSupported(Operation operation, Parameter parameter) {
    boolean primitive = parameter.getSchemaType() != SchemaType.OBJECT && parameter.getSchemaType() != SchemaType.ARRAY;
    boolean located = parameter.getIn() == Location.PATH || parameter.getIn() == Location.QUERY;
    if (!primitive || !located) {
      throw new IllegalStateException("operation " + operation.getOperationId() + ": parameter " + parameter.getName()
        + " (" + parameter.getIn() + ", " + parameter.getSchemaType() + ") is not supported by OperationValidation");
    }
    return parameter;
  }

  /** One parameter of the operation with its validator. */
  private record ParameterCheck(Parameter parameter, Validator validator) {

    /** Primitive values read alike in every parameter style. */
    private static final ParameterTransformer PRIMITIVES = new SimpleTransformer();

    boolean inPath() {
      return parameter.getIn() == Location.PATH;
    }

    /** The parameter's text in the request, decoded; null when absent. */
    String text(RoutingContext ctx) {
      return inPath() ? ctx.pathParam(parameter.getName()) : ctx.queryParams().get(parameter.getName());
    }

    /** The value typed by its schema; for an absent optional parameter, the schema's default if it has one. */
    Object validate(String text) {
      if (text == null) {
        if (parameter.isRequired()) {
          throw ApiError.badRequest(parameter.getName(), "The related request / response does not contain the required "
            + parameter.getIn().name().toLowerCase(Locale.ROOT) + " parameter " + parameter.getName());
        }
        return parameter.getSchema().get("default");
      }
      Object value = typed(text);
      OutputUnit output = validator.validate(value);
      if (!output.getValid()) {
        throw SchemaViolation.ofParameter(parameter, value, output);
      }
      return value;
    }

    /**
     * A string-typed value stays the text it is: vertx-openapi 5.0.10 (fixed in 5.1.0) decodes any value but a plain
     * word as JSON first, so {@code phoneNumber=%2B5511999990000} became the number 5511999990000, "not a string".
     */
    private Object typed(String text) {
      if (parameter.getSchemaType() == SchemaType.STRING) {
        return text;
      }
      try {
        return PRIMITIVES.transform(parameter, text);
      } catch (ValidatorException undecodable) {
        throw ApiError.badRequest(parameter.getName(), undecodable.getMessage());
      }
    }
  }
}
