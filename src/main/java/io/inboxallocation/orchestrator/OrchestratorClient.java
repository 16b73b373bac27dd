package io.inboxallocation.orchestrator;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.inboxallocation.config.AppConfig.OrchestratorSettings;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.problem.ProblemType;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The orchestrator's API as orchestrator.yaml describes it, behind a circuit breaker. Every outcome is the checked
 * answer or an {@link ApiError}: 404 when the orchestrator knows no such thing, 504 when it did not answer within
 * ORCHESTRATOR_TIMEOUT_MS, 502 for any other wrong answer or none, 503 when it is not configured or the breaker is
 * open. Timeouts, 5xx, no connection and malformed answers count against the orchestrator; a 404 is a good answer,
 * and other statuses (a redirect, a refusal) say more about our request or settings than about its health.
 */
final class OrchestratorClient {

  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorClient.class);

  /** Connections to the orchestrator; further calls wait for one, within their timeout. */
  private static final int CONNECTIONS = 64;

  /** What an answer of one resource must be: its 404 in words, its shape in words, and its check (null: wrong shape). */
  private record Resource(String unknown, String shape, UnaryOperator<JsonObject> read) {
  }

  private static final Resource PAGE = new Resource("the orchestrator knows no such conversation",
    "an object with an items array and a nextCursor string or null", OrchestratorClient::page);
  private static final Resource CONTACT = new Resource("the orchestrator knows no contact with this phone number",
    "a JSON object", contact -> contact);

  /** What one call came to; {@code countsAsFailure}: against the orchestrator's health, for the breaker. */
  private record Outcome(JsonObject answer, ApiError error, boolean countsAsFailure) {
  }

  private final OrchestratorSettings settings;
  private final WebClient client;
  private final CircuitBreaker breaker;

  OrchestratorClient(Vertx vertx, OrchestratorSettings settings) {
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setFollowRedirects(false)
        .setConnectTimeout((int) settings.timeout().toMillis()),
      new PoolOptions().setHttp1MaxSize(CONNECTIONS));
    this.breaker = CircuitBreaker.of("orchestrator", breakerConfig(settings.breakerOpen()));
    breaker.getEventPublisher().onStateTransition(event ->
      LOG.warn("orchestrator circuit breaker: {}", event.getStateTransition()));
  }

  /**
   * Five failures in a row open the breaker: the window is the last five calls and opens only when all of them failed
   * (a success or a 404 among them keeps it closed). Open, it refuses calls for {@code open}; then the next call goes
   * through alone (half-open), and its outcome closes or re-opens it.
   */
  static CircuitBreakerConfig breakerConfig(Duration open) {
    return CircuitBreakerConfig.custom()
      .slidingWindowType(SlidingWindowType.COUNT_BASED)
      .slidingWindowSize(5)
      .minimumNumberOfCalls(5)
      .failureRateThreshold(100)
      .waitDurationInOpenState(open)
      .permittedNumberOfCallsInHalfOpenState(1)
      .automaticTransitionFromOpenToHalfOpenEnabled(false)
      .build();
  }

  /** {@code GET /conversations/{externalConversationId}/messages}, with cursor and limit only when given. */
  Future<JsonObject> history(String externalConversationId, String cursor, Integer limit) {
    Map<String, String> query = new LinkedHashMap<>();
    if (cursor != null) {
      query.put("cursor", cursor);
    }
    if (limit != null) {
      query.put("limit", limit.toString());
    }
    return get("/conversations/" + segment(externalConversationId) + "/messages", query, PAGE);
  }

  /** {@code GET /contacts/by-phone/{phoneNumber}}, the E.164 number percent-encoded ({@code +} is {@code %2B}). */
  Future<JsonObject> contact(String phoneNumber) {
    return get("/contacts/by-phone/" + segment(phoneNumber), Map.of(), CONTACT);
  }

  private Future<JsonObject> get(String path, Map<String, String> query, Resource resource) {
    if (settings.url() == null) {
      return Future.failedFuture(ApiError.unavailable("no orchestrator is configured (ORCHESTRATOR_URL)"));
    }
    if (!breaker.tryAcquirePermission()) {
      return Future.failedFuture(ApiError.unavailable(
        "the orchestrator failed repeatedly; calls to it are paused for a few seconds"));
    }
    long timeout = settings.timeout().toMillis();
    // The request's own timeout closes a connection that went silent; the future's bounds the whole call, an answer
    // that trickles in included.
    HttpRequest<Buffer> request = client.getAbs(settings.url() + path).timeout(timeout);
    if (settings.token() != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + settings.token());
    }
    query.forEach(request::addQueryParam);
    long started = System.nanoTime();
    return request.send().timeout(timeout, TimeUnit.MILLISECONDS).transform(sent -> {
      Outcome outcome = sent.succeeded() ? outcome(sent.result(), resource) : noAnswer(sent.cause());
      long took = System.nanoTime() - started;
      if (outcome.countsAsFailure()) {
        breaker.onError(took, TimeUnit.NANOSECONDS, outcome.error());
      } else {
        breaker.onSuccess(took, TimeUnit.NANOSECONDS);
      }
      return outcome.error() == null ? Future.succeededFuture(outcome.answer()) : Future.failedFuture(outcome.error());
    });
  }

  private static Outcome outcome(HttpResponse<Buffer> response, Resource resource) {
    int status = response.statusCode();
    if (status == 404) {
      return new Outcome(null, new ApiError(ProblemType.NOT_FOUND, resource.unknown(), null), false);
    }
    if (status >= 500) {
      return new Outcome(null, ApiError.badGateway("the orchestrator failed with status " + status), true);
    }
    if (status != 200) {
      return new Outcome(null, ApiError.badGateway("the orchestrator answered status " + status
        + (status >= 400 ? ", refusing our request" : "; only 200 and 404 are expected")), false);
    }
    Object json;
    try {
      json = response.body() == null ? null : Json.decodeValue(response.body());
    } catch (DecodeException e) {
      return new Outcome(null, ApiError.badGateway("the orchestrator answered malformed JSON"), true);
    }
    JsonObject answer = json instanceof JsonObject object ? resource.read().apply(object) : null;
    return answer != null ? new Outcome(answer, null, false)
      : new Outcome(null, ApiError.badGateway("the orchestrator's answer is not " + resource.shape()), true);
  }

  private Outcome noAnswer(Throwable failure) {
    // A connection not made within the timeout is the orchestrator not answering in time too.
    if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException) {
      return new Outcome(null, ApiError.gatewayTimeout(
        "the orchestrator did not answer within " + settings.timeout().toMillis() + " ms"), true);
    }
    // The cause names hosts and ports: for the log, not for the client.
    LOG.warn("orchestrator unreachable: {}", failure.toString());
    return new Outcome(null, ApiError.badGateway("the orchestrator could not be reached"), true);
  }

  /** The answer as we pass it on, {@code {items, nextCursor}}; null when it is not that (an absent cursor is null). */
  private static JsonObject page(JsonObject answer) {
    Object items = answer.getValue("items");
    Object nextCursor = answer.getValue("nextCursor");
    return items instanceof JsonArray && (nextCursor == null || nextCursor instanceof String)
      ? new JsonObject().put("items", items).put("nextCursor", nextCursor) : null;
  }

  /** One path segment, percent-encoded (URLEncoder encodes for forms, where a space is '+'; in a path it is %20). */
  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
