package io.inboxallocation.http;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.RequestLoad;
import io.inboxallocation.bus.Request;
import io.inboxallocation.json.Nullable;
import io.inboxallocation.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A request that passed the contract's validation and authentication. Accessors read the validated values;
 * types and formats were checked against openapi.yaml ({@link OperationValidation}), so they only convert.
 */
public record ApiRequest(Vertx vertx, RequestLoad load, ValidatedInput input, Actor actor) {

  public <R> Future<R> ask(Request<R> request) {
    return load.ask(vertx, request);
  }

  public UUID path(String name) {
    return UUID.fromString((String) input.path().get(name));
  }

  /** An integer path parameter (the contract bounds it to a long). */
  public long pathLong(String name) {
    Object value = input.path().get(name);
    return value instanceof Number number ? number.longValue() : Long.parseLong((String) value);
  }

  public String query(String name) {
    return (String) input.query().get(name);
  }

  public UUID queryUuid(String name) {
    String value = query(name);
    return value == null ? null : UUID.fromString(value);
  }

  public int queryInt(String name, int fallback) {
    Integer value = queryInteger(name);
    return value == null ? fallback : value;
  }

  /** An integer query parameter without a default in the contract; null when absent. */
  public Integer queryInteger(String name) {
    return input.query().get(name) instanceof Number value ? value.intValue() : null;
  }

  public JsonObject body() {
    return input.body() instanceof JsonObject body ? body : new JsonObject();
  }

  public UUID uuid(String field) {
    String value = body().getString(field);
    return value == null ? null : UUID.fromString(value);
  }

  public String string(String field) {
    return body().getString(field);
  }

  public Integer integer(String field) {
    Number value = body().getNumber(field);
    return value == null ? null : value.intValue();
  }

  /** A nullable setting of a PATCH body, read by {@code read}: null when absent, else its value (null included). */
  public <T> Nullable<T> nullable(String field, Function<String, T> read) {
    return body().containsKey(field) ? new Nullable<>(read.apply(field)) : null;
  }

  public List<String> strings(String field) {
    JsonArray value = body().getJsonArray(field);
    return value == null ? null : value.stream().map(String.class::cast).toList();
  }

  public Double number(String field) {
    Number value = body().getNumber(field);
    return value == null ? null : value.doubleValue();
  }

  public Instant instant(String field) {
    String value = body().getString(field);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(field, field + " must be an ISO-8601 date-time with offset, e.g. 2026-01-31T12:00:00Z");
    }
  }

  /** A phone number from the body or the query, normalised to E.164; null when absent. */
  public String phone(String field) {
    String value = body().containsKey(field) ? body().getString(field) : query(field);
    return value == null ? null : PhoneNumbers.toE164(value, field);
  }
}
