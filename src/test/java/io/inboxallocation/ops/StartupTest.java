package io.inboxallocation.ops;

import io.inboxallocation.testing.ServiceProcess;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process's start: the migrations run while Vert.x starts and the router is built, and the node listens only once
 * all of it is done; a database it cannot reach ends it with one clear line.
 */
class StartupTest extends ServiceTest {

  @Test
  void onAFreshDatabaseTheFirstAnswerOfTheNodeIsAlreadyReady() throws Exception {
    try (ServiceProcess service = ServiceProcess.launch(app.vertx, app, Map.of())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Integer first = null;
      while (first == null) {
        assertTrue(System.nanoTime() < deadline && service.process.isAlive(), () -> "no answer: " + service.lines);
        try {
          first = service.http.raw(HttpMethod.GET, "/health/ready", MultiMap.caseInsensitiveMultiMap(), null).status();
        } catch (Exception notListeningYet) {
          Thread.sleep(20);
        }
      }
      assertEquals(200, first, () -> "migrations applied and every verticle deployed before the port opens: "
        + service.lines);
      assertTrue(service.lines.stream().anyMatch(line -> line.contains("listening on port " + service.http.port())),
        () -> String.join("\n", service.lines));
    }
  }

  @Test
  void aDatabaseThatDoesNotAnswerEndsTheProcessWithOneClearLineAndExitCode1() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    try (ServiceProcess service = ServiceProcess.launch(app.vertx, app, Map.of("PGPORT", String.valueOf(closed)))) {
      assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), () -> "still running: " + service.lines);
      assertEquals(1, service.process.exitValue(), () -> String.join("\n", service.lines));
      assertTrue(service.lines.stream().anyMatch(line -> line.contains("cannot start: cannot reach PostgreSQL at ")
          && line.contains(":" + closed + " ") && line.contains("Set PGHOST, PGPORT")),
        () -> String.join("\n", service.lines));
      assertTrue(service.lines.stream().noneMatch(line -> line.startsWith("Exception in thread")
          || line.contains("listening on port")), () -> String.join("\n", service.lines));
    }
  }
}
