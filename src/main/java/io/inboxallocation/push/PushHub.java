package io.inboxallocation.push;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.inboxallocation.auth.AccessCache;
import io.inboxallocation.auth.Actor;
import io.inboxallocation.auth.Authenticator;
import io.inboxallocation.auth.Role;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.feed.FeedBatch;
import io.inboxallocation.feed.FeedEvent;
import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The WebSockets of one HTTP verticle ({@code GET /ws}). The upgrade is authenticated first (a bearer token in the
 * Authorization header, or {@code access_token} in the query for browsers) and refused with 401 before any upgrade;
 * then each socket is a {@link PushSession} fed by this node's relay.
 */
public final class PushHub {

  private static final Logger LOG = LoggerFactory.getLogger(PushHub.class);

  public static final String PATH = "/ws";
  static final long PING_INTERVAL_MILLIS = 20_000;
  /**
   * Bytes of encoded frames a socket may queue (about 40 events) before further events wait as references in the
   * session's backlog ({@code PushSession.BACKLOG_BOUND}): small, because each socket holds its own copy, so 2,000
   * slow sockets hold 128 MiB at most.
   */
  static final int WRITE_QUEUE_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final JWTAuth jwt;
  private final Authenticator authenticator;
  private final AccessCache access;
  /** Open sessions by tenant: a batch goes only to the sessions of the tenants it concerns. */
  private final Map<UUID, Set<PushSession>> sessions = new HashMap<>();
  /** Open sessions of every HTTP verticle of the node (a metric). */
  private final AtomicInteger openSockets;

  public PushHub(Vertx vertx, JWTAuth jwt, Authenticator authenticator, AccessCache access,
                 AtomicInteger openSockets) {
    this.vertx = vertx;
    this.jwt = jwt;
    this.authenticator = authenticator;
    this.access = access;
    this.openSockets = openSockets;
    Bus.subscribe(vertx, FeedBatch.class, this::deliver);
    vertx.setPeriodic(PING_INTERVAL_MILLIS, tick -> sessions.values().forEach(open -> open.forEach(PushSession::ping)));
  }

  private void deliver(FeedBatch batch) {
    Map<UUID, List<FeedEvent>> byTenant = batch.events().stream()
      .collect(Collectors.groupingBy(FeedEvent::tenantId, LinkedHashMap::new, Collectors.toList()));
    byTenant.forEach((tenantId, events) -> {
      Set<PushSession> open = sessions.get(tenantId);
      if (open != null) {
        List.copyOf(open).forEach(session -> session.offer(events));
      }
    });
  }

  public void handshake(ServerWebSocketHandshake handshake) {
    if (!PATH.equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String token = token(handshake);
    if (token == null) {
      handshake.reject(401);
      return;
    }
    jwt.authenticate(new TokenCredentials(token))
      .recover(invalid -> Future.failedFuture(ApiError.unauthorized("invalid token: " + invalid.getMessage())))
      .compose(authenticator::actor)
      .map(actor -> Authenticator.require(actor, Role.TENANT))
      .compose(actor -> access.get(actor.tenantId(), actor.operatorId(), true)
        .compose(found -> found == null ? Future.failedFuture(ApiError.unauthorized("unknown operator"))
          : handshake.accept().map(socket -> open(socket, actor, found))))
      .onFailure(failure -> {
        if (failure instanceof ApiError error) {
          handshake.reject(error.status());
        } else {
          LOG.warn("WebSocket upgrade failed: {}", failure.toString());
          handshake.reject(503);
        }
      });
  }

  private Void open(ServerWebSocket socket, Actor actor, AccessCache.Access found) {
    socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    PushSession session = new PushSession(vertx, socket, actor.tenantId(), actor.operatorId(), found);
    sessions.computeIfAbsent(actor.tenantId(), tenant -> new HashSet<>()).add(session);
    openSockets.incrementAndGet();
    socket.textMessageHandler(session::onText);
    socket.binaryMessageHandler(binary -> session.onBinary());
    socket.exceptionHandler(failure -> session.close(PushSession.POLICY_VIOLATION, "protocol error"));
    socket.closeHandler(closed -> {
      session.closedByPeer();
      openSockets.decrementAndGet();
      Set<PushSession> open = sessions.get(actor.tenantId());
      open.remove(session);
      if (open.isEmpty()) {
        sessions.remove(actor.tenantId());
      }
    });
    return null;
  }

  /** The node is shutting down: every socket is closed with 1001 (going away); clients reconnect elsewhere. */
  public void goingAway() {
    sessions.values().forEach(open -> List.copyOf(open).forEach(session -> session.close(PushSession.GOING_AWAY,
      "the server is shutting down: reconnect with your last cursor")));
  }

  private static String token(ServerWebSocketHandshake handshake) {
    String header = handshake.headers().get(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    List<String> values = new QueryStringDecoder(handshake.uri()).parameters().get("access_token");
    return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
  }
}
