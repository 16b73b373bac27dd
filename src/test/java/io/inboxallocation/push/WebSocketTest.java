package io.inboxallocation.push;

import io.inboxallocation.testing.Calls;
import io.inboxallocation.testing.Feeds;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.ServiceTest;
import io.inboxallocation.testing.Socket;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /ws}: push of the feed, resume without gap or duplicate, live filters, and abuse. */
class WebSocketTest extends ServiceTest {

  private static final Duration SOON = Duration.ofSeconds(5);

  private int port() {
    return app.http.port();
  }

  @Test
  void aMissingOrBadTokenIsRefusedWith401BeforeTheUpgrade() {
    Scenario s = newTenant();
    assertEquals(401, Socket.refusal(app.vertx, port(), "/ws", null));
    assertEquals(401, Socket.refusal(app.vertx, port(), "/ws?access_token=not-a-jwt", null));
    assertEquals(401, Socket.refusal(app.vertx, port(), "/ws", "not-a-jwt"));
    assertEquals(401, Socket.refusal(app.vertx, port(), "/ws", app.token(io.inboxallocation.auth.Role.OPERATOR,
      s.tenantId, java.util.UUID.randomUUID().toString())), "an operator that does not exist");
    assertEquals(403, Socket.refusal(app.vertx, port(), "/ws", app.platformToken()));
    try (Socket viaQuery = Socket.open(app.vertx, port(), "/ws?access_token=" + s.admin, null)) {
      viaQuery.subscribe(null);
    }
    assertEquals(400, http.get("/ws", s.admin).status(), "a plain GET is not an upgrade");
  }

  @Test
  void eventsArePushedAsTheFeedGivesThem() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    try (Socket socket = Socket.open(app.vertx, port(), s.admin)) {
      String cursor = socket.subscribe(null);
      JsonObject created = s.conversation(inbox);
      JsonObject frame = socket.events(1, SOON).get(0);
      Feeds.Read read = Feeds.readAll(http, s.admin, cursor);
      assertEquals(1, read.events().size());
      assertEquals(read.events().get(0), frame.getJsonObject("event"), "the same event as GET /events");
      assertEquals(read.cursor(), frame.getString("cursor"));
      assertEquals(created.getString("id"), frame.getJsonObject("event").getString("conversationId"));
    }
  }

  @Test
  void aClientThatReconnectsWithItsLastCursorMissesNothingAndGetsNothingTwice() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String last;
    try (Socket first = Socket.open(app.vertx, port(), s.admin)) {
      first.subscribe(null);
      s.conversation(inbox);
      s.conversation(inbox);
      last = first.events(2, SOON).get(1).getString("cursor");
    }
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      missed.add(s.conversation(inbox).getString("id"));
    }
    try (Socket again = Socket.open(app.vertx, port(), s.admin)) {
      assertEquals(last, again.subscribe(last));
      List<JsonObject> replayed = again.events(5, SOON);
      assertEquals(missed, replayed.stream().map(f -> f.getJsonObject("event").getString("conversationId")).toList());
      String live = s.conversation(inbox).getString("id");
      assertEquals(live, again.events(1, SOON).get(0).getJsonObject("event").getString("conversationId"));
      assertNull(again.poll(Duration.ofMillis(300)), "nothing twice");
    }
  }

  @Test
  void aClientTooFarBehindIsToldToResync() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    String cursor = Feeds.head(http, s.admin);
    JsonObject body = Calls.upsertBody(inbox, "ext-" + Calls.randomId(), Scenario.randomPhone());
    List<Future<Http.Response>> upserts = new ArrayList<>();
    for (int i = 0; i < PushSession.REPLAY_BOUND + 5; i++) {
      upserts.add(http.send(HttpMethod.POST, "/conversations", s.service, body.copy().put("messageCount", i + 1)));
      if (upserts.size() == 32) {
        Future.all(upserts).await();
        upserts.clear();
      }
    }
    Future.all(upserts).await();
    try (Socket socket = Socket.open(app.vertx, port(), s.admin)) {
      socket.send(new JsonObject().put("type", "subscribe").put("after", cursor).encode());
      JsonObject answer = socket.next(SOON);
      assertEquals("resync", answer.getString("type"), answer::encode);
      assertEquals(Feeds.head(http, s.admin), answer.getString("cursor"));
      String id = s.conversation(inbox).getString("id");
      assertEquals(id, socket.events(1, SOON).get(0).getJsonObject("event").getString("conversationId"));
    }
  }

  @Test
  void filtersFollowUnsubscriptionDemotionAndDeletionLive() {
    Scenario s = newTenant();
    String first = s.inbox();
    String second = s.inbox();
    Scenario.Person operator = s.availableOperator(first);
    String subscription = s.subscribe(operator.id(), second);
    Scenario.Person manager = s.person("MANAGER");
    s.subscribe(manager.id(), first);
    try (Socket operatorSocket = Socket.open(app.vertx, port(), operator.token());
         Socket managerSocket = Socket.open(app.vertx, port(), manager.token())) {
      operatorSocket.subscribe(null);
      managerSocket.subscribe(null);

      s.conversation(second);
      assertEquals(second, operatorSocket.events(1, SOON).get(0).getJsonObject("event").getString("inboxId"));
      assertEquals(204, http.delete("/operator-inbox-subscriptions/" + subscription, s.admin).status());
      assertEquals("SUBSCRIPTION_REMOVED", operatorSocket.events(1, SOON).get(0).getJsonObject("event").getString("type"));
      s.conversation(second);
      String visible = s.conversation(first).getString("id");
      assertEquals(visible, operatorSocket.events(1, SOON).get(0).getJsonObject("event").getString("conversationId"),
        "the inbox it left is no longer pushed");

      assertEquals(4, managerSocket.events(4, SOON).size(), "a manager sees all of it");
      assertEquals(200, http.patch("/operators/" + manager.id(), s.admin, new JsonObject().put("role", "OPERATOR")).status());
      assertEquals("OPERATOR_UPDATED", managerSocket.events(1, SOON).get(0).getJsonObject("event").getString("type"));
      s.conversation(second);
      String own = s.conversation(first).getString("id");
      assertEquals(own, managerSocket.events(1, SOON).get(0).getJsonObject("event").getString("conversationId"),
        "demoted: only its own inboxes from now on");
      assertEquals(200, Calls.move(s, s.admin, own, second).status());
      JsonObject left = managerSocket.events(1, SOON).get(0).getJsonObject("event");
      assertEquals(List.of("MOVED", own), List.of(left.getString("type"), left.getString("conversationId")),
        "a conversation that leaves its inbox is pushed once more");

      long start = System.nanoTime();
      assertEquals(204, http.delete("/operators/" + operator.id(), s.admin).status());
      assertEquals((short) 1008, operatorSocket.closeStatus(Duration.ofSeconds(1)));
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
    }
  }

  @Test
  void malformedFramesCloseOnlyTheirOwnSocket() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    try (Socket healthy = Socket.open(app.vertx, port(), s.admin);
         Socket junk = Socket.open(app.vertx, port(), s.admin);
         Socket binary = Socket.open(app.vertx, port(), s.admin);
         Socket wrongType = Socket.open(app.vertx, port(), s.admin);
         Socket badCursor = Socket.open(app.vertx, port(), s.admin)) {
      healthy.subscribe(null);
      junk.send("{not json");
      binary.sendBinary(new byte[] {1, 2, 3});
      wrongType.send("{\"type\":\"unsubscribe\"}");
      badCursor.send("{\"type\":\"subscribe\",\"after\":\"-5\"}");
      assertEquals((short) 1007, junk.closeStatus(SOON));
      assertEquals((short) 1003, binary.closeStatus(SOON));
      assertEquals((short) 1007, wrongType.closeStatus(SOON));
      assertEquals((short) 1007, badCursor.closeStatus(SOON));
      String id = s.conversation(inbox).getString("id");
      assertEquals(id, healthy.events(1, SOON).get(0).getJsonObject("event").getString("conversationId"));
    }
  }

  @Test
  void aClientThatNeverReadsIsDisconnected() throws Exception {
    Scenario s = newTenant();
    String inbox = s.inbox();
    try (java.net.Socket raw = new java.net.Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new java.net.InetSocketAddress("127.0.0.1", port()));
      OutputStream out = raw.getOutputStream();
      byte[] key = new byte[16];
      ThreadLocalRandom.current().nextBytes(key);
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer " + s.admin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String upgrade = readUpgrade(raw);
      assertTrue(upgrade.startsWith("HTTP/1.1 101"), upgrade);
      out.write(maskedText("{\"type\":\"subscribe\"}"));
      out.flush();
      Thread.sleep(300);

      // Never reads while thousands of events are pushed to it.
      JsonObject body = Calls.upsertBody(inbox, "ext-" + Calls.randomId(), Scenario.randomPhone());
      int sent = 0;
      List<Future<Http.Response>> batch = new ArrayList<>();
      for (; sent < 4_000; sent++) {
        batch.add(http.send(HttpMethod.POST, "/conversations", s.service, body.copy().put("messageCount", sent + 1)));
        if (batch.size() == 64) {
          Future.all(batch).await();
          batch.clear();
        }
      }
      Future.all(batch).await();

      // Now read what the server sent: it must have given up on us with 1008 or 1013, well before the last event.
      ServerFrames received = readUntilClosed(raw, Duration.ofSeconds(30));
      assertTrue(received.events < sent, "frames received " + received.events + " of " + sent);
      assertTrue(received.closeCode == 1013 || received.closeCode == 1008, "close code " + received.closeCode
        + " after " + received.events + " events");
    }
  }

  /** What a raw client read: event frames counted, and the close code (-1: none). */
  private static final class ServerFrames {
    int events;
    int closeCode = -1;

    /** Parses complete frames from the start of the bytes; returns how many bytes it used. */
    int parse(byte[] bytes, int length) {
      int at = 0;
      while (length - at >= 2) {
        int opcode = bytes[at] & 0x0f;
        int len = bytes[at + 1] & 0x7f;
        int header = 2;
        if (len == 126) {
          if (length - at < 4) {
            break;
          }
          len = ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
          header = 4;
        } else if (len == 127) {
          if (length - at < 10) {
            break;
          }
          len = (int) java.nio.ByteBuffer.wrap(bytes, at + 2, 8).getLong();
          header = 10;
        }
        if (length - at < header + len) {
          break;
        }
        if (opcode == 0x1 && new String(bytes, at + header, len, StandardCharsets.UTF_8).startsWith("{\"type\":\"event\"")) {
          events++;
        } else if (opcode == 0x8 && len >= 2) {
          closeCode = ((bytes[at + header] & 0xff) << 8) | (bytes[at + header + 1] & 0xff);
        }
        at += header + len;
      }
      return at;
    }
  }

  /** Reads and parses what the server sends until a close frame, the end of the stream, or the deadline. */
  private static ServerFrames readUntilClosed(java.net.Socket raw, Duration within) throws Exception {
    raw.setSoTimeout(1_000);
    ServerFrames frames = new ServerFrames();
    InputStream in = raw.getInputStream();
    byte[] buffer = new byte[4 * 1024 * 1024];
    int filled = 0;
    long deadline = System.nanoTime() + within.toNanos();
    while (frames.closeCode < 0 && System.nanoTime() < deadline) {
      int n;
      try {
        n = in.read(buffer, filled, buffer.length - filled);
      } catch (java.net.SocketTimeoutException quiet) {
        continue;
      }
      if (n < 0) {
        break;
      }
      filled += n;
      int used = frames.parse(buffer, filled);
      System.arraycopy(buffer, used, buffer, 0, filled - used);
      filled -= used;
    }
    return frames;
  }

  /** The server's answer to the upgrade request, read byte by byte so that no frame after it is consumed. */
  private static String readUpgrade(java.net.Socket raw) throws Exception {
    raw.setSoTimeout(5_000);
    InputStream in = raw.getInputStream();
    StringBuilder answer = new StringBuilder();
    while (!answer.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      answer.append((char) b);
    }
    return answer.toString();
  }

  /** A client frame: text, final, masked (clients must mask). */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }
}
