package io.inboxallocation.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The client side of the WebSocket scenarios: many sockets to one node's {@code GET /ws}, each subscribed, each
 * recording the feed position and receive time of every event frame it gets. A Vert.x of its own (two event loops,
 * apart from the HTTP load's), so thousands of sockets and their frames do not queue behind the HTTP clients.
 * Sockets are opened from the calling (non-Vert.x) thread, so they are spread over both event loops.
 */
final class Sockets implements AutoCloseable {

  /** How every event frame starts ({@code FeedEvent.frame()}): the position is read from the bytes, nothing parsed. */
  private static final byte[] EVENT_PREFIX = "{\"type\":\"event\",\"cursor\":\"".getBytes(StandardCharsets.US_ASCII);

  /** One client socket. Its fields are written on its event loop and read under its lock from the harness thread. */
  static final class Sock {
    final int index;
    private final long base;
    private final boolean recording;
    private final long t0Nanos;
    WebSocket ws;
    String failure;
    String subscribedCursor;
    int resyncs;
    int otherFrames;
    boolean closed;
    Short closeCode;
    String closeReason;
    long lastPosition = -1;
    long frames;
    // recording: position - base, and receive time in µs since t0, per event frame in arrival order
    private int[] offsets;
    private int[] micros;
    private int recorded;
    private Buffer partial;
    private Runnable onSubscribed;

    Sock(int index, long base, boolean recording, long t0Nanos) {
      this.index = index;
      this.base = base;
      this.recording = recording;
      this.t0Nanos = t0Nanos;
      if (recording) {
        offsets = new int[512];
        micros = new int[512];
      }
    }

    synchronized boolean subscribed() {
      return subscribedCursor != null;
    }

    synchronized boolean open() {
      return ws != null && !closed;
    }

    synchronized long lastPosition() {
      return lastPosition;
    }

    /** Positions (offsets from the base) and receive times (µs since t0) recorded so far, copied. */
    synchronized int[][] recorded() {
      return recording ? new int[][] {Arrays.copyOf(offsets, recorded), Arrays.copyOf(micros, recorded)}
        : new int[][] {new int[0], new int[0]};
    }

    private void onFrame(WebSocketFrame frame) {
      if (!(frame.isText() || frame.isBinary() || frame.isContinuation())) {
        return;
      }
      Buffer data = frame.binaryData();
      if (!frame.isFinal() || partial != null) {
        partial = partial == null ? data.copy() : partial.appendBuffer(data);
        if (!frame.isFinal()) {
          return;
        }
        data = partial;
        partial = null;
      }
      long now = System.nanoTime();
      if (startsWith(data, EVENT_PREFIX)) {
        long position = 0;
        for (int i = EVENT_PREFIX.length; i < data.length(); i++) {
          byte b = data.getByte(i);
          if (b < '0' || b > '9') {
            break;
          }
          position = position * 10 + (b - '0');
        }
        event(position, now);
        return;
      }
      control(new JsonObject(data.toString(StandardCharsets.UTF_8)));
    }

    private synchronized void event(long position, long now) {
      frames++;
      lastPosition = Math.max(lastPosition, position);
      if (!recording) {
        return;
      }
      if (recorded == offsets.length) {
        offsets = Arrays.copyOf(offsets, recorded * 2);
        micros = Arrays.copyOf(micros, recorded * 2);
      }
      offsets[recorded] = (int) (position - base);
      micros[recorded] = (int) ((now - t0Nanos) / 1_000);
      recorded++;
    }

    private void control(JsonObject message) {
      Runnable done = null;
      synchronized (this) {
        switch (String.valueOf(message.getValue("type"))) {
          case "subscribed" -> {
            subscribedCursor = message.getString("cursor");
            done = onSubscribed;
          }
          case "resync" -> {
            // the server could not replay from our cursor: a gap, which the delivery check reports
            resyncs++;
            if (subscribedCursor == null) {
              subscribedCursor = message.getString("cursor");
              done = onSubscribed;
            }
          }
          default -> otherFrames++;
        }
        if (done != null) {
          onSubscribed = null;
        }
      }
      if (done != null) {
        done.run();
      }
    }

    private void onClose(WebSocket socket) {
      Runnable done;
      synchronized (this) {
        closed = true;
        closeCode = socket.closeStatusCode();
        closeReason = socket.closeReason();
        done = onSubscribed;
        onSubscribed = null;
        if (subscribedCursor == null && failure == null) {
          failure = "closed before subscribed: " + closeCode + " " + closeReason;
        }
      }
      if (done != null) {
        done.run();
      }
    }

    private synchronized void failed(String why) {
      if (failure == null) {
        failure = why;
      }
    }

    /** One line for the report: what went wrong with this socket, or null. */
    synchronized String problem() {
      if (failure != null) {
        return "socket " + index + ": " + failure;
      }
      if (closed) {
        return "socket " + index + ": closed by the server (" + closeCode + " " + closeReason + ")";
      }
      return subscribedCursor == null ? "socket " + index + ": not subscribed" : null;
    }
  }

  final Vertx vertx;
  private final WebSocketClient client;
  private final int port;
  /** The instant receive times count from, on both clocks (nanoTime for intervals, wall µs for occurredAt). */
  final long t0Nanos;
  final long wall0Micros;
  final List<Sock> sockets = new ArrayList<>();

  Sockets(int port, int maxSockets) {
    this.port = port;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(maxSockets)
      .setConnectTimeout(30_000).setTcpNoDelay(true));
    long n = System.nanoTime();
    java.time.Instant wall = java.time.Instant.now();
    this.t0Nanos = n;
    this.wall0Micros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1_000;
  }

  /**
   * Opens {@code n} sockets (at most {@code inFlight} handshakes and subscriptions at once), each with the bearer token
   * {@code token.apply(i)}, and subscribes each ({@code after} null: from the feed's head). Returns once every socket
   * is subscribed or has failed, or after {@code timeoutSeconds}. Positions recorded are offsets from {@code base}.
   */
  List<Sock> open(int n, IntFunction<String> token, String after, long base, boolean recording, int inFlight,
                  long timeoutSeconds) throws InterruptedException {
    String subscribe = new JsonObject().put("type", "subscribe").put("after", after).encode();
    Semaphore permits = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(n);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    List<Sock> opened = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      Sock sock = new Sock(sockets.size(), base, recording, t0Nanos);
      sockets.add(sock);
      opened.add(sock);
      boolean[] released = new boolean[1];
      Runnable finished = () -> {
        synchronized (released) {
          if (released[0]) {
            return;
          }
          released[0] = true;
        }
        permits.release();
        done.countDown();
      };
      synchronized (sock) {
        sock.onSubscribed = finished;
      }
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
        .addHeader("Authorization", "Bearer " + token.apply(i));
      client.connect(options).onComplete(ar -> {
        if (ar.failed()) {
          sock.failed("connect: " + ar.cause());
          finished.run();
          return;
        }
        WebSocket ws = ar.result();
        synchronized (sock) {
          sock.ws = ws;
        }
        ws.frameHandler(sock::onFrame);
        ws.closeHandler(v -> sock.onClose(ws));
        ws.exceptionHandler(e -> sock.failed(e.toString()));
        ws.writeTextMessage(subscribe).onFailure(e -> {
          sock.failed("subscribe: " + e);
          finished.run();
        });
      });
    }
    done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    return opened;
  }

  /** Closes every open socket (normal closure) and waits up to {@code seconds} for the closes to complete. */
  void closeAll(long seconds) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Sock s : sockets) {
      WebSocket ws;
      synchronized (s) {
        ws = s.closed ? null : s.ws;
      }
      if (ws != null) {
        closing.add(ws.close());
      }
    }
    try {
      Future.join(closing).toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("  closing sockets: " + e);
    }
  }

  /** Socket i's receive time {@code micros} (µs since t0) on the wall clock, in µs since the epoch. */
  long wallMicros(int micros) {
    return wall0Micros + micros;
  }

  private static boolean startsWith(Buffer data, byte[] prefix) {
    if (data.length() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data.getByte(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    closeAll(10);
    try {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("  closing the WebSocket client: " + e);
    }
  }
}
