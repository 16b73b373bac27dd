package io.inboxallocation.ops;

import io.inboxallocation.auth.Role;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceProcess;
import io.inboxallocation.testing.ServiceTest;
import io.inboxallocation.testing.Socket;
import io.vertx.core.Future;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM: not ready at once, every request in flight answered, WebSockets closed with 1001, exit code 0. */
class ShutdownTest extends ServiceTest {

  static final long SHUTDOWN_TIMEOUT_MS = 10_000;

  @Test
  void sigtermDuringABurstAnswersEveryRequestInFlightThenExitsZero() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(app.vertx, app,
      Map.of("SHUTDOWN_TIMEOUT_MS", String.valueOf(SHUTDOWN_TIMEOUT_MS)))) {
      Http node = service.http;
      String platform = app.platformToken();
      UUID tenantId = UUID.fromString(node.post("/tenants", platform, new JsonObject().put("name", "shutdown")).id());
      String adminId = node.post("/operators", platform, new JsonObject().put("name", "admin").put("role", "ADMIN")
        .put("tenantId", tenantId.toString())).id();
      String admin = app.token(Role.ADMIN, tenantId, adminId);
      String inbox = node.post("/inboxes", admin, new JsonObject().put("phoneNumber", Scenario.randomPhone())
        .put("displayName", "Inbox")).id();
      String orchestrator = app.token(Role.SERVICE, tenantId, "orchestrator");
      String head = node.get("/events", admin).json().getString("nextCursor");
      Socket socket = Socket.open(app.vertx, node.port(), admin);
      socket.subscribe(null);

      // 200 requests at once on their own connections: 100 long polls (each in flight for 3 s) and 100 upserts.
      WebClient client = WebClient.create(app.vertx, new WebClientOptions().setDefaultPort(node.port()),
        new PoolOptions().setHttp1MaxSize(200));
      List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        burst.add(i % 2 == 0
          ? client.get("/events?wait=3&after=" + head).bearerTokenAuthentication(admin).send()
          : client.post("/conversations").bearerTokenAuthentication(orchestrator).sendJsonObject(new JsonObject()
            .put("inboxId", inbox).put("externalConversationId", "burst-" + i)
            .put("customerPhoneNumber", Scenario.randomPhone())));
      }
      Thread.sleep(1_000);
      long signalled = System.nanoTime();
      service.process.destroy();

      int answered = 0;
      for (Future<HttpResponse<Buffer>> request : burst) {
        HttpResponse<Buffer> answer = request.await(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertTrue(answer.statusCode() == 200 || answer.statusCode() == 201, () -> answer.statusCode() + " "
          + answer.bodyAsString());
        answered++;
      }
      assertEquals(200, answered, "every request in flight got a complete answer");
      assertEquals((short) 1001, socket.closeStatus(Duration.ofSeconds(5)), "WebSockets are told the server goes away");
      assertTrue(service.process.waitFor(SHUTDOWN_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS), "exited");
      assertEquals(0, service.process.exitValue(), () -> String.join("\n", service.lines));
      // A stop is not an error: no stack trace (a task handed to an event loop already stopped printed one), and no
      // background verticle finds its pool closed under it.
      assertTrue(service.lines.stream().noneMatch(line -> line.startsWith("Exception in thread")
        || line.contains("Pool closed")), () -> String.join("\n", service.lines));
      assertTrue(System.nanoTime() - signalled < TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_TIMEOUT_MS + 5_000));
      client.close();
      socket.close();
    }
  }
}
