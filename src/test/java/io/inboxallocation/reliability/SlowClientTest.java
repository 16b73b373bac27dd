package io.inboxallocation.reliability;

import io.inboxallocation.Service;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.Wire;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow clients (REQUEST_TIMEOUT_MS=2000 for this class): a body trickling in one byte a second is cut off within the
 * request timeout (503 or close); a request line that stops half-way is closed by the idle timeout; meanwhile other
 * clients are served promptly.
 */
class SlowClientTest {

  static final long REQUEST_TIMEOUT_MS = 2_000;
  /** RELIABILITY.md: a connection silent for 30 s is closed (an unfinished request line included). */
  static final long IDLE_TIMEOUT_MS = 30_000;
  static final long SLACK_MS = 3_000;

  static Vertx vertx;
  static Vertx nodeVertx;
  static TestService app;
  static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    app = TestService.start(vertx, Map.of("REQUEST_TIMEOUT_MS", String.valueOf(REQUEST_TIMEOUT_MS)));
    // The node under test gets a Vertx of its own (a second Service.start on one Vertx fails: codec registered twice).
    nodeVertx = Vertx.vertx();
    port = Service.start(nodeVertx, app.config).await().port();
  }

  @AfterAll
  static void stop() {
    if (nodeVertx != null) {
      nodeVertx.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (app != null) {
      app.dropDatabase();
    }
  }

  /** What a raw connection saw: ms until the server answered or closed, and what it sent. */
  record Outcome(long answeredOrClosedMs, String received, boolean closed, int bytesSent) {
    String statusLine() {
      return received.lines().findFirst().orElse("");
    }
  }

  /**
   * Opens a connection, sends {@code head}, then (if {@code trickle}) one more byte a second; waits up to
   * {@code limitMs} for the server to answer or close.
   */
  static CompletableFuture<Outcome> slowClient(String head, boolean trickle, long limitMs) {
    return CompletableFuture.supplyAsync(() -> {
      long t0 = System.nanoTime();
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(1_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int sent = 0;
        byte[] buffer = new byte[4096];
        while ((System.nanoTime() - t0) / 1_000_000 < limitMs) {
          try {
            int n = in.read(buffer);
            if (n < 0) {
              return new Outcome(ms(t0), received.toString(StandardCharsets.US_ASCII), true, sent);
            }
            received.write(buffer, 0, n);
            // Answered: the status line (and maybe the close that follows) is what we wanted to see.
            if (received.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
              long answered = ms(t0);
              boolean closed = waitForClose(in);
              return new Outcome(answered, received.toString(StandardCharsets.US_ASCII), closed, sent);
            }
          } catch (SocketTimeoutException quiet) {
            if (trickle) {
              try {
                out.write('x');
                out.flush();
                sent++;
              } catch (IOException closedWhileWriting) {
                return new Outcome(ms(t0), received.toString(StandardCharsets.US_ASCII), true, sent);
              }
            }
          }
        }
        return new Outcome(-1, received.toString(StandardCharsets.US_ASCII), false, sent);
      } catch (IOException e) {
        return new Outcome(ms(t0), "I/O: " + e, true, 0);
      }
    });
  }

  private static boolean waitForClose(InputStream in) {
    try {
      long until = System.nanoTime() + 2_000_000_000L;
      byte[] rest = new byte[4096];
      while (System.nanoTime() < until) {
        try {
          if (in.read(rest) < 0) {
            return true;
          }
        } catch (SocketTimeoutException stillOpen) {
          // keep waiting
        }
      }
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void slowClientsAreCutOffWhileOthersAreServed() throws Exception {
    Scenario s = Tenants.create(app);
    String inbox = s.inbox();
    String head = "POST /conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + s.service
      + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
    long bodyLimit = REQUEST_TIMEOUT_MS + SLACK_MS;
    long lineLimit = IDLE_TIMEOUT_MS + SLACK_MS;

    AtomicBoolean measuring = new AtomicBoolean(true);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Wire wire = new Wire(port, Duration.ofSeconds(10));
    Thread normal = new Thread(() -> {
      while (measuring.get()) {
        long t0 = System.nanoTime();
        Http.Response r = wire.post("/conversations", s.service,
          Calls.upsertBody(inbox, "ext-" + UUID.randomUUID(), Scenario.randomPhone()).encode());
        Http.Response g = wire.get("/conversations?limit=20", s.admin);
        latencies.add(ms(t0) / 2);
        if (r.status() != 201 || g.status() != 200) {
          failures.add(r + " / " + g);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "normal-client");
    normal.start();

    CompletableFuture<Outcome> trickle = slowClient(head, true, bodyLimit + 10_000);
    CompletableFuture<Outcome> trickle2 = slowClient(head, true, bodyLimit + 10_000);
    CompletableFuture<Outcome> halfLine = slowClient("POST /conversa", false, lineLimit + 10_000);
    Outcome body = trickle.get();
    Outcome body2 = trickle2.get();
    Outcome line = halfLine.get();
    measuring.set(false);
    normal.join();

    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    long max = sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
    System.out.printf("[slow-client] request-timeout-ms=%d trickle-body: cut-after-ms=%d,%d status='%s' closed=%s"
        + " bytes-trickled=%d; half-request-line: closed-after-ms=%d answer='%s'; normal requests=%d p50-ms=%d max-ms=%d"
        + " failures=%d%n", REQUEST_TIMEOUT_MS, body.answeredOrClosedMs(), body2.answeredOrClosedMs(), body.statusLine(),
      body.closed(), body.bytesSent(), line.answeredOrClosedMs(), line.statusLine(), latencies.size() * 2, p50, max,
      failures.size());

    for (Outcome o : List.of(body, body2)) {
      assertTrue(o.answeredOrClosedMs() >= 0 && o.answeredOrClosedMs() <= bodyLimit,
        "a trickling body is cut off within REQUEST_TIMEOUT_MS + slack: " + o);
      assertTrue(o.statusLine().isEmpty() || o.statusLine().startsWith("HTTP/1.1 503"), "answered 503 or closed: " + o);
      assertTrue(o.closed(), "the connection is closed after a trickling body: " + o);
    }
    assertTrue(line.answeredOrClosedMs() >= 0 && line.answeredOrClosedMs() <= lineLimit,
      "a stalled request line is closed within the idle timeout + slack: " + line);
    assertEquals(List.of(), failures, "normal requests during the slow clients");
    assertTrue(max < 2_000, "normal requests answered promptly meanwhile, slowest " + max + " ms");
  }
}
