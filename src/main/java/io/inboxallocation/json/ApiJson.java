package io.inboxallocation.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The API's JSON: response bodies and event details. Records to JSON: camelCase record components, ISO-8601 UTC
 * timestamps. A Vert.x {@link JsonObject} (what the orchestrator answered) is written as it is.
 */
public final class ApiJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
    .registerModule(new JavaTimeModule())
    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private ApiJson() {
  }

  public static Buffer encode(Object body) {
    if (body instanceof Buffer json) {
      return json;
    }
    if (body instanceof JsonObject json) {
      return json.toBuffer();
    }
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
