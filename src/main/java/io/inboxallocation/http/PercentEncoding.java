package io.inboxallocation.http;

import io.inboxallocation.problem.ApiError;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.HexFormat;

/**
 * A request URI with a '%' that does not start an escape of two hex digits is a 400. Vert.x's path and query decoders
 * throw on exactly those, from places that do not answer with a problem: the router answers a bare 400 when matching a
 * route, and the body handler never answers when it merges a form body into a query that cannot be decoded. So this
 * runs before both, as a platform handler.
 */
final class PercentEncoding implements PlatformHandler {

  @Override
  public void handle(RoutingContext ctx) {
    if (wellFormed(ctx.request().uri())) {
      ctx.next();
    } else {
      ctx.fail(ApiError.badRequest(null, "the request URI is not correctly percent-encoded"));
    }
  }

  private static boolean wellFormed(String uri) {
    for (int at = uri.indexOf('%'); at >= 0; at = uri.indexOf('%', at + 3)) {
      if (at + 2 >= uri.length() || !HexFormat.isHexDigit(uri.charAt(at + 1)) || !HexFormat.isHexDigit(uri.charAt(at + 2))) {
        return false;
      }
    }
    return true;
  }
}
