package io.inboxallocation.reliability;

import io.inboxallocation.Service;
import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Parallel;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Tenants;
import io.inboxallocation.testing.TestService;
import io.inboxallocation.testing.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No handler blocks an event loop: a burst of normal traffic against a service whose Vertx reports any event-loop task
 * longer than 200 ms, with the logs (logback, java.util.logging) captured; any "blocked" warning fails.
 * A deliberate 600 ms block on a separate Vertx first proves the capture sees such warnings.
 */
class BlockedEventLoopTest {

  static final long LIMIT_MS = 200;
  static Vertx watched;
  static Vertx watchedNode;
  static TestService app;
  static int port;

  static VertxOptions strict() {
    return new VertxOptions().setBlockedThreadCheckInterval(LIMIT_MS).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
      .setMaxEventLoopExecuteTime(LIMIT_MS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  @BeforeAll
  static void start() {
    watched = Vertx.vertx(strict());
    app = TestService.start(watched);
    // The node the burst goes to: a second strict Vertx (one Vertx cannot start two Services: codec registered twice).
    watchedNode = Vertx.vertx(strict());
    port = Service.start(watchedNode, app.config).await().port();
  }

  @AfterAll
  static void stop() {
    if (watchedNode != null) {
      watchedNode.close().await();
    }
    if (watched != null) {
      watched.close().await();
    }
    if (app != null) {
      app.dropDatabase();
    }
  }

  /** Captures what is logged (through SLF4J and java.util.logging) while running the action; returns it as text. */
  static String captured(Runnable action) {
    ch.qos.logback.classic.Logger root =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    StringBuilder jul = new StringBuilder();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (jul) {
          jul.append(record.getLoggerName()).append(": ").append(record.getMessage()).append('\n');
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger julRoot = Logger.getLogger("");
    julRoot.addHandler(handler);
    root.addAppender(logged);
    try {
      action.run();
    } finally {
      root.detachAppender(logged);
      julRoot.removeHandler(handler);
    }
    StringBuilder text = new StringBuilder();
    // ListAppender appends under its own lock (AppenderBase.doAppend): read under it too.
    synchronized (logged) {
      logged.list.forEach(event -> text.append(event.getLoggerName()).append(": ").append(event.getFormattedMessage())
        .append('\n'));
    }
    synchronized (jul) {
      return text.append(jul).toString();
    }
  }

  static boolean reportsBlocked(String log) {
    return log.contains("Thread blocked") || log.contains("has been blocked for");
  }

  @Test
  void aBurstOfTrafficNeverBlocksAnEventLoop() {
    // The detector works: a deliberate block on another strict Vertx is reported and captured.
    String selfCheck = captured(() -> {
      Vertx probe = Vertx.vertx(strict());
      try {
        probe.runOnContext(v -> {
          try {
            Thread.sleep(4 * LIMIT_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        Thread.sleep(8 * LIMIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        probe.close().await();
      }
    });
    assertTrue(reportsBlocked(selfCheck), "the deliberate block was not seen in the captured logs: " + selfCheck);

    Scenario s = Tenants.create(app);
    String inbox = s.inbox();
    List<Scenario.Person> operators = Parallel.map(8, 4, i -> Calls.available(s, "OPERATOR", inbox));
    String label = Calls.label(s, inbox, "vip", "#123456").getString("id");
    Wire wire = new Wire(port, Duration.ofSeconds(10));
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    int rounds = 60;
    Runnable burst = () -> Parallel.map(16, 16, t -> {
      Scenario.Person operator = operators.get(t % operators.size());
      for (int i = 0; i < rounds; i++) {
        List<Http.Response> answers = switch (i % 5) {
          case 0 -> List.of(wire.post("/conversations", s.service, Calls.upsertBody(inbox, "ext-" + UUID.randomUUID(),
            Scenario.randomPhone()).put("messageCount", i).encode()));
          case 1 -> List.of(wire.get("/conversations?limit=100&sort=priority", s.admin));
          case 2 -> {
            Http.Response allocated = wire.post("/allocation/allocate", operator.token(), "{}");
            if (allocated.status() != 200) {
              yield List.of(allocated);
            }
            String id = allocated.json().getString("id");
            yield List.of(allocated, wire.post("/conversations/" + id + "/labels/" + label, operator.token(), null),
              wire.get("/conversations/" + id + "/events", operator.token()),
              wire.post("/allocation/resolve", operator.token(), new JsonObject().put("conversationId", id).encode()));
          }
          case 3 -> List.of(wire.get("/conversations/search/by-phone?phoneNumber=%2B5511990000000", s.admin),
            wire.get("/operators", s.admin));
          default -> List.of(wire.get("/inboxes", operator.token()), wire.get("/health", null));
        };
        for (Http.Response answer : answers) {
          requests.incrementAndGet();
          if (answer.status() >= 500 || answer.status() == 0) {
            if (failures.incrementAndGet() <= 3) {
              failed.add("round " + (i % 5) + ": " + answer);
            }
          }
        }
      }
      return null;
    });
    long t0 = System.nanoTime();
    String log = captured(burst);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long warnings = log.lines().filter(line -> line.contains("blocked")).count();
    System.out.printf("[blocked-event-loop] limit-ms=%d requests=%d 5xx-or-no-answer=%d burst-ms=%d"
        + " blocked-warnings=%d self-check-caught=%s%n", LIMIT_MS, requests.get(), failures.get(), ms, warnings,
      reportsBlocked(selfCheck));
    assertFalse(reportsBlocked(log), () -> "an event loop was blocked during the burst:\n"
      + log.lines().filter(line -> line.contains("blocked")).limit(5).reduce("", (a, b) -> a + b + "\n"));
    assertEquals(0, failures.get(), () -> "5xx or unanswered requests in the burst, e.g. " + failed);
  }
}
