package io.inboxallocation.push;

import io.inboxallocation.auth.AccessCache.Access;
import io.inboxallocation.auth.Role;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.feed.FeedCursor;
import io.inboxallocation.feed.FeedEvent;
import io.inboxallocation.feed.FeedMessages.FeedPage;
import io.inboxallocation.feed.FeedMessages.ReplayFeed;
import io.inboxallocation.problem.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One client's WebSocket (docs/ARCHITECTURE.md, "WebSocket push"). After {@code subscribe} it replays what the client
 * missed from the durable feed while buffering live events, then switches to live ones: no gap, no duplicate (a live
 * event at or before the cursor is dropped). Its filter is its own copy of the caller's access, changed by the
 * events themselves in feed order, so an unsubscription or a demotion applies from the very next event.
 */
final class PushSession {

  /** A resume further behind than this many events of the tenant gets {@code resync} instead of a replay. */
  static final int REPLAY_BOUND = 1_000;
  /** Live events held while a replay runs; a client this far behind is told to come back (1013). */
  static final int BUFFER_BOUND = 10_000;
  /**
   * Events held for a client whose socket's write queue is full (a burst, or a client that stopped reading): they are
   * shared objects, a reference each, sent as the queue drains. Past this many the client is told to come back (1013).
   */
  static final int BACKLOG_BOUND = 1_000;

  static final short GOING_AWAY = 1001;
  static final short POLICY_VIOLATION = 1008;
  static final short TRY_AGAIN_LATER = 1013;
  static final short UNSUPPORTED_DATA = 1003;
  static final short INVALID_PAYLOAD = 1007;

  private enum Phase { WAITING, REPLAYING, LIVE, CLOSED }

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final UUID tenantId;
  private final UUID operatorId;
  private Role role;
  private final Set<UUID> inboxes;
  private Phase phase = Phase.WAITING;
  private long cursor;
  private List<FeedEvent> buffered = new ArrayList<>();
  private final ArrayDeque<FeedEvent> backlog = new ArrayDeque<>();
  private int subscriptions;

  PushSession(Vertx vertx, ServerWebSocket socket, UUID tenantId, UUID operatorId, Access access) {
    this.vertx = vertx;
    this.socket = socket;
    this.tenantId = tenantId;
    this.operatorId = operatorId;
    this.role = access.role();
    this.inboxes = new HashSet<>(access.inboxes());
  }

  UUID tenantId() {
    return tenantId;
  }

  boolean closed() {
    return phase == Phase.CLOSED;
  }

  void onText(String text) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException e) {
      close(INVALID_PAYLOAD, "frames must be JSON objects");
      return;
    }
    Object after = message.getValue("after");
    if (!"subscribe".equals(message.getValue("type")) || (after != null && !(after instanceof String))) {
      close(INVALID_PAYLOAD, "expected {\"type\":\"subscribe\",\"after\":\"<cursor>\"}");
      return;
    }
    Long from;
    try {
      from = after == null ? null : FeedCursor.parse((String) after, "after");
    } catch (ApiError e) {
      close(INVALID_PAYLOAD, "after: " + e.getMessage());
      return;
    }
    subscribe(from);
  }

  void onBinary() {
    close(UNSUPPORTED_DATA, "this endpoint speaks JSON text frames");
  }

  /** Live events from this node's relay, in feed order. */
  void offer(List<FeedEvent> events) {
    switch (phase) {
      case WAITING -> events.forEach(this::follow);
      case REPLAYING -> {
        for (FeedEvent event : events) {
          if (event.tenantId().equals(tenantId)) {
            buffered.add(event);
          }
        }
        if (buffered.size() > BUFFER_BOUND) {
          close(TRY_AGAIN_LATER, "too far behind: reconnect with your last cursor");
        }
      }
      case LIVE -> events.forEach(this::deliver);
      case CLOSED -> {
      }
    }
  }

  void ping() {
    if (phase != Phase.CLOSED) {
      socket.writePing(Buffer.buffer("ping"));
    }
  }

  void closedByPeer() {
    phase = Phase.CLOSED;
  }

  /** Replay from {@code after} (null: from the head), then live. A second subscribe starts over from its cursor. */
  private void subscribe(Long after) {
    int subscription = ++subscriptions;
    phase = Phase.REPLAYING;
    buffered = new ArrayList<>();
    Bus.ask(vertx, new ReplayFeed(tenantId, after, REPLAY_BOUND + 1)).onComplete(replayed -> {
      if (phase == Phase.CLOSED || subscription != subscriptions) {
        return;
      }
      if (replayed.failed() || replayed.result().items().size() > REPLAY_BOUND) {
        resync(replayed.failed() ? replayed.cause() : null);
        return;
      }
      FeedPage page = replayed.result();
      cursor = after == null ? page.next() : after;
      send("{\"type\":\"subscribed\",\"cursor\":\"" + FeedCursor.format(cursor) + "\"}");
      page.items().forEach(this::deliver);
      cursor = Math.max(cursor, page.next());
      goLive();
    });
  }

  /** The client cannot be brought up to date from the feed: it reloads over REST and continues from the head. */
  private void resync(Throwable failure) {
    if (failure != null && !(failure instanceof ApiError)) {
      close(TRY_AGAIN_LATER, "the feed is not available: reconnect with your last cursor");
      return;
    }
    Bus.ask(vertx, new ReplayFeed(tenantId, null, 0)).onComplete(head -> {
      if (phase == Phase.CLOSED) {
        return;
      }
      if (head.failed()) {
        close(TRY_AGAIN_LATER, "the feed is not available: reconnect with your last cursor");
        return;
      }
      cursor = head.result().next();
      send("{\"type\":\"resync\",\"cursor\":\"" + FeedCursor.format(cursor) + "\"}");
      goLive();
    });
  }

  private void goLive() {
    List<FeedEvent> held = buffered;
    buffered = new ArrayList<>();
    phase = Phase.LIVE;
    held.forEach(this::deliver);
  }

  private void deliver(FeedEvent event) {
    if (phase == Phase.CLOSED || !event.tenantId().equals(tenantId) || event.position() <= cursor) {
      return;
    }
    cursor = event.position();
    boolean visible = visible(event);
    follow(event);
    if (visible && phase != Phase.CLOSED) {
      push(event);
    }
  }

  /** In order: straight to the socket, or behind what is already waiting for the write queue to drain. */
  private void push(FeedEvent event) {
    if (backlog.isEmpty() && !socket.writeQueueFull()) {
      socket.writeTextMessage(event.frame());
      return;
    }
    if (backlog.size() >= BACKLOG_BOUND) {
      close(TRY_AGAIN_LATER, "not reading fast enough: reconnect with your last cursor");
      return;
    }
    if (backlog.isEmpty()) {
      socket.drainHandler(drained -> drain());
    }
    backlog.add(event);
  }

  private void drain() {
    while (!backlog.isEmpty() && !socket.writeQueueFull() && phase != Phase.CLOSED) {
      socket.writeTextMessage(backlog.poll().frame());
    }
    if (backlog.isEmpty()) {
      socket.drainHandler(null);
    }
  }

  /** Keeps the filter in step with the feed; a deleted operator's socket is closed. */
  private void follow(FeedEvent event) {
    if (!event.tenantId().equals(tenantId) || operatorId == null) {
      return;
    }
    boolean aboutMe = operatorId.equals(event.operatorId());
    switch (event.type()) {
      case OPERATOR_DELETED -> {
        if (aboutMe) {
          close(POLICY_VIOLATION, "the operator was deleted");
        }
      }
      case OPERATOR_UPDATED -> {
        if (aboutMe) {
          role = event.role();
        }
      }
      case SUBSCRIPTION_ADDED -> {
        if (aboutMe) {
          inboxes.add(event.inboxId());
        }
      }
      case SUBSCRIPTION_REMOVED -> {
        if (aboutMe) {
          inboxes.remove(event.inboxId());
        }
      }
      case INBOX_DELETED -> inboxes.remove(event.inboxId());
      default -> {
      }
    }
  }

  private boolean visible(FeedEvent event) {
    return role == null || role.seesAllInboxes() || event.concerns(operatorId) || event.inAnyOf(inboxes);
  }

  /** A control frame (subscribed, resync); a client too far behind to take one is disconnected. */
  private void send(String frame) {
    if (socket.writeQueueFull()) {
      close(TRY_AGAIN_LATER, "not reading fast enough: reconnect with your last cursor");
      return;
    }
    socket.writeTextMessage(frame);
  }

  void close(short code, String reason) {
    if (phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CLOSED;
    socket.close(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
  }
}
