package io.inboxallocation.http;

import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * The whole request, body upload included, must finish within REQUEST_TIMEOUT_MS, else 503. A long poll of the feed
 * ({@code GET /events?wait=N}) gets its N seconds on top.
 */
final class RequestTimeout implements PlatformHandler {

  private static final int MAX_WAIT_SECONDS = 30;

  private final long timeoutMillis;

  RequestTimeout(Duration timeout) {
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public void handle(RoutingContext ctx) {
    long budget = timeoutMillis + waitSeconds(ctx) * 1000L;
    long timer = ctx.vertx().setTimer(budget, fired -> {
      if (!ctx.response().ended() && !ctx.response().headWritten()) {
        ctx.fail(503);
      }
    });
    ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(timer));
    ctx.next();
  }

  /** Read from the raw request: this runs before anything has checked that the URI decodes. */
  private static int waitSeconds(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query == null || !"/events".equals(ctx.request().path())) {
      return 0;
    }
    for (String parameter : query.split("&")) {
      if (parameter.startsWith("wait=") && parameter.length() <= 7 && parameter.substring(5).chars().allMatch(Character::isDigit)
        && parameter.length() > 5) {
        return Math.min(MAX_WAIT_SECONDS, Integer.parseInt(parameter.substring(5)));
      }
    }
    return 0;
  }
}
