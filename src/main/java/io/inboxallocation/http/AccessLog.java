package io.inboxallocation.http;

import io.inboxallocation.auth.Actor;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The first handler of every request: its request id ({@code X-Request-Id} as the caller sent it when it is sane,
 * else a new one), echoed in the response and in problem bodies, and one access-log line when the response ends:
 * request id, method, route template, status, latency, tenant and actor (structured fields with LOG_FORMAT=json).
 */
public final class AccessLog implements PlatformHandler {

  static final String HEADER = "X-Request-Id";
  /** Where the request id, the operation's path and the authenticated caller are kept in the routing context. */
  static final String REQUEST_ID = "requestId";
  static final String ROUTE = "route";
  static final String ACTOR = "actor";

  /** The logger of the access lines. */
  public static final String LOGGER = "access";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final int MAX_ID_LENGTH = 128;

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String given = ctx.request().getHeader(HEADER);
    String requestId = sane(given) ? given : UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, requestId);
    ctx.response().putHeader(HEADER, requestId);
    ctx.addBodyEndHandler(ended -> {
      Actor actor = ctx.get(ACTOR);
      String route = ctx.get(ROUTE);
      LOG.info("{} {} {} {} {} {} {}", kv("requestId", requestId), kv("method", ctx.request().method().name()),
        kv("route", route == null ? "-" : route), kv("status", ctx.response().getStatusCode()),
        kv("latencyMs", Math.round((System.nanoTime() - start) / 10_000.0) / 100.0),
        kv("tenantId", actor == null || actor.tenantId() == null ? "-" : actor.tenantId().toString()),
        kv("actor", actor == null ? "-" : actor.role() + ":" + actor.subject()));
    });
    ctx.next();
  }

  /** Printable ASCII, no spaces, at most 128 characters: safe to echo in a header and to write in a log line. */
  static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
