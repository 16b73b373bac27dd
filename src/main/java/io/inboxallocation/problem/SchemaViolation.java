package io.inboxallocation.problem;

import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Parameter;

/**
 * A request value that its schema in openapi.yaml rejected, with the validator's output, from which {@link Problems}
 * names the field at fault and says what is wrong.
 */
public final class SchemaViolation extends RuntimeException {

  private final Parameter parameter;
  private final JsonSchema schema;
  private final Object value;
  private final OutputUnit output;

  private SchemaViolation(Parameter parameter, JsonSchema schema, Object value, OutputUnit output) {
    super(null, null, false, false);
    this.parameter = parameter;
    this.schema = schema;
    this.value = value;
    this.output = output;
  }

  public static SchemaViolation ofParameter(Parameter parameter, Object value, OutputUnit output) {
    return new SchemaViolation(parameter, parameter.getSchema(), value, output);
  }

  public static SchemaViolation ofBody(JsonSchema schema, Object body, OutputUnit output) {
    return new SchemaViolation(null, schema, body, output);
  }

  /** The parameter the value came from; null when the value is the body. */
  Parameter parameter() {
    return parameter;
  }

  JsonSchema schema() {
    return schema;
  }

  Object value() {
    return value;
  }

  OutputUnit output() {
    return output;
  }
}
