package io.inboxallocation.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** A WebSocket client of {@code /ws} for tests: the frames it received, in order, and how it was closed. */
public final class Socket implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile Short closeStatus;

  private Socket(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.closeHandler(closed -> closeStatus = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode());
  }

  /** Connects with the token in the Authorization header (null: none). */
  public static Socket open(Vertx vertx, int port, String token) {
    return open(vertx, port, "/ws", token);
  }

  public static Socket open(Vertx vertx, int port, String uri, String token) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return new Socket(client, client.connect(options).await());
  }

  /** The HTTP status the upgrade was refused with; fails if it was accepted. */
  public static int refusal(Vertx vertx, int port, String uri, String token) {
    try (Socket accepted = open(vertx, port, uri, token)) {
      fail("the upgrade was accepted");
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    }
  }

  public Socket send(String text) {
    socket.writeTextMessage(text).await();
    return this;
  }

  public Socket sendBinary(byte[] bytes) {
    socket.writeBinaryMessage(Buffer.buffer(bytes)).await();
    return this;
  }

  /** Sends subscribe (after: null for the head) and returns the cursor of the {@code subscribed} answer. */
  public String subscribe(String after) {
    JsonObject subscribe = new JsonObject().put("type", "subscribe");
    if (after != null) {
      subscribe.put("after", after);
    }
    send(subscribe.encode());
    JsonObject answer = next(Duration.ofSeconds(5));
    assertEquals("subscribed", answer.getString("type"), answer::encode);
    return answer.getString("cursor");
  }

  /** The next frame; fails when none comes in time. */
  public JsonObject next(Duration timeout) {
    JsonObject frame = poll(timeout);
    assertNotNull(frame, "no frame within " + timeout);
    return frame;
  }

  /** The next frame, or null when none comes in time. */
  public JsonObject poll(Duration timeout) {
    try {
      return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Event frames until {@code count} arrived (fails on timeout or another frame type). */
  public List<JsonObject> events(int count, Duration timeout) {
    List<JsonObject> events = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (events.size() < count) {
      JsonObject frame = poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      assertNotNull(frame, "got " + events.size() + " of " + count + " events within " + timeout);
      assertEquals("event", frame.getString("type"), frame::encode);
      events.add(frame);
    }
    return events;
  }

  /** Every frame received so far, without waiting. */
  public List<JsonObject> drain() {
    List<JsonObject> drained = new ArrayList<>();
    frames.drainTo(drained);
    return drained;
  }

  /** The close code the server sent, waiting for it; null when still open after the timeout. */
  public Short closeStatus(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (closeStatus == null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return closeStatus;
  }

  @Override
  public void close() {
    if (closeStatus == null) {
      socket.close().await();
    }
    client.close().await();
  }
}
