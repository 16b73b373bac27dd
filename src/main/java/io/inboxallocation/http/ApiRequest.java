package io.inboxallocation.http;

import io.inboxallocation.auth.Actor;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.Request;
import io.inboxallocation.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;

/**
 * A request that passed the contract's validation and authentication. Accessors read the validated values;
 * types and formats were checked by the router, so they only convert.
 */
public record ApiRequest(Vertx vertx, ValidatedRequest validated, MultiMap rawQuery, Actor actor) {

  public <R> Future<R> ask(Request<R> request) {
    return Bus.ask(vertx, request);
  }

  public UUID path(String name) {
    return UUID.fromString(validated.getPathParameters().get(name).getString());
  }

  public String query(String name) {
    return present(validated.getQuery(), name) ? validated.getQuery().get(name).getString() : null;
  }

  public UUID queryUuid(String name) {
    String value = query(name);
    return value == null ? null : UUID.fromString(value);
  }

  public int queryInt(String name, int fallback) {
    return present(validated.getQuery(), name) ? validated.getQuery().get(name).getInteger() : fallback;
  }

  public JsonObject body() {
    RequestParameter body = validated.getBody();
    return body == null || body.isNull() || !body.isJsonObject() ? new JsonObject() : body.getJsonObject();
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

  /**
   * A phone number from the body or the query, normalised to E.164; null when absent. Query values are read raw:
   * the contract's validator would turn {@code +5511...} into a number first (see openapi.yaml, PhoneQuery).
   */
  public String phone(String field) {
    String value = body().containsKey(field) ? body().getString(field) : rawQuery.get(field);
    return value == null ? null : PhoneNumbers.toE164(value, field);
  }

  private static boolean present(Map<String, RequestParameter> parameters, String name) {
    RequestParameter parameter = parameters.get(name);
    return parameter != null && !parameter.isNull() && !parameter.isEmpty();
  }
}
