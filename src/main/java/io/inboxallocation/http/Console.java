package io.inboxallocation.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live console at /console: static files from the jar's {@code console/} (no build step, nothing fetched from
 * elsewhere), which speak only the public API and /ws with the bearer token the page was given.
 */
final class Console {

  static final String PATH = "/console";

  /**
   * Nothing but this origin: the page's own scripts and styles (no inline ones), its API calls and its WebSocket.
   * A token sits in the page, so it is never framed and never sent on as a referrer.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self';"
    + " style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final String FILES = "console";

  private Console() {
  }

  static void mount(Router router) {
    // Caching off in the handler (its default is a day's max-age): a new jar's console must show at the next load.
    StaticHandler files = StaticHandler.create(FILES).setCachingEnabled(false).setDirectoryListing(false);
    router.get(PATH + "/*").handler(Console::headers).handler(files);
  }

  private static void headers(RoutingContext ctx) {
    ctx.response()
      .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
      .putHeader("cache-control", "no-cache")
      .putHeader("x-content-type-options", "nosniff")
      .putHeader("referrer-policy", "no-referrer");
    ctx.next();
  }
}
