package io.inboxallocation.testing;

import com.standardwebhooks.Webhook;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A webhook receiver on a real HTTP port, as an orchestrator would run one: it verifies every request's signature
 * with the Standard Webhooks library against the secrets it was given, answers as the test says (by request number),
 * and records what it got. It can be down (not listening) and come up on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** How to answer one request: a status, after a delay, with headers. */
  public record Answer(int status, long delayMillis, Map<String, String> headers) {
    public static final Answer OK = new Answer(204, 0, Map.of());

    public static Answer status(int status) {
      return new Answer(status, 0, Map.of());
    }
  }

  /** A request as received (recorded when answered); {@code accepted}: a 2xx the service received. */
  public record Received(String webhookId, String timestamp, String signature, JsonObject body, boolean valid,
                         List<Boolean> validPerSecret, boolean accepted) {
  }

  private final Vertx vertx;
  private final int port;
  private final List<String> secrets = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger maxInFlightPerId = new AtomicInteger();
  private volatile IntFunction<Answer> answers = n -> Answer.OK;
  private HttpServer server;

  public WebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks";
  }

  /** The secrets a signature may match; a request is valid when one of its signatures matches one of them. */
  public WebhookReceiver trust(String... secrets) {
    this.secrets.clear();
    this.secrets.addAll(List.of(secrets));
    return this;
  }

  /** How to answer the n-th request (from 1, counted since the receiver was created). */
  public WebhookReceiver answer(IntFunction<Answer> answers) {
    this.answers = answers;
    return this;
  }

  public WebhookReceiver up() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1").await();
    return this;
  }

  public void down() {
    if (server != null) {
      server.close().await();
      server = null;
    }
  }

  @Override
  public void close() {
    down();
  }

  public int requests() {
    return requests.get();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The most requests with one webhook-id that were ever being answered at the same time. */
  public int maxConcurrentPerDelivery() {
    return maxInFlightPerId.get();
  }

  /** Accepted deliveries by webhook-id, in the order they were first accepted. */
  public Map<String, Received> accepted() {
    Map<String, Received> accepted = new LinkedHashMap<>();
    received.stream().filter(Received::accepted).forEach(r -> accepted.putIfAbsent(r.webhookId(), r));
    return accepted;
  }

  /** Per conversation, the ids of its events in the order they were first accepted. */
  public Map<String, List<Long>> eventIdsByConversation() {
    Map<String, List<Long>> order = new HashMap<>();
    accepted().values().forEach(r -> {
      JsonObject data = r.body().getJsonObject("data");
      if (data.getString("conversationId") != null) {
        order.computeIfAbsent(data.getString("conversationId"), c -> new ArrayList<>()).add(data.getLong("id"));
      }
    });
    return order;
  }

  private void handle(HttpServerRequest request) {
    int n = requests.incrementAndGet();
    request.body().onSuccess(body -> {
      String id = request.getHeader("webhook-id");
      int concurrent = inFlight.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
      maxInFlightPerId.accumulateAndGet(concurrent, Math::max);
      Map<String, List<String>> headers = new HashMap<>();
      request.headers().forEach(header -> headers.computeIfAbsent(header.getKey().toLowerCase(), k -> new ArrayList<>())
        .add(header.getValue()));
      List<Boolean> perSecret = secrets.stream().map(secret -> verifies(secret, body.toString(), headers)).toList();
      Answer answer = answers.apply(n);
      Runnable respond = () -> {
        inFlight.get(id).decrementAndGet();
        var response = request.response();
        boolean open = !response.closed();
        if (open) {
          response.setStatusCode(answer.status());
          answer.headers().forEach(response::putHeader);
          response.end();
        }
        // Accepted: a 2xx written to a connection the service still held open (a timed-out one was closed).
        boolean accepted = open && answer.status() >= 200 && answer.status() < 300;
        received.add(new Received(id, request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
          new JsonObject(body), perSecret.contains(true), perSecret, accepted));
      };
      if (answer.delayMillis() > 0) {
        vertx.setTimer(answer.delayMillis(), t -> respond.run());
      } else {
        respond.run();
      }
    });
  }

  private static boolean verifies(String secret, String body, Map<String, List<String>> headers) {
    try {
      new Webhook(secret).verify(body, headers);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
