package io.inboxallocation.http;

import io.inboxallocation.auth.AccessCache;
import io.inboxallocation.auth.Authenticator;
import io.inboxallocation.bus.RequestLoad;
import io.inboxallocation.feed.Feed;
import io.inboxallocation.problem.ApiError;
import io.inboxallocation.push.PushHub;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.problem.Problems;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.inboxallocation.db.Database;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP edge. The router is generated from openapi.yaml, so a request reaches a capability's handler only after
 * its path, parameters and body matched the contract; each capability binds its own operations ({@link Routes}).
 */
public final class HttpVerticle extends VerticleBase {

  public static final String CONTRACT = "openapi.yaml";
  public static final int BODY_LIMIT_BYTES = 64 * 1024;

  /** Seconds of silence after which a connection is closed: an idle keep-alive, or a request head that stalled. */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  static final int SEND_BUFFER_BYTES = 128 * 1024;

  /** Largest WebSocket frame or message a client may send: a subscribe is far smaller. */
  static final int WEBSOCKET_MESSAGE_LIMIT_BYTES = 16 * 1024;

  private final AppConfig config;
  private final Database.Clients db;
  private final JWTAuth jwt;
  private final List<Routes> capabilities;
  private final Feed feed;
  private final AccessCache access;
  private final AtomicBoolean draining;
  private final AtomicInteger openSockets;
  private final RequestLoad load;
  private final Future<?> nodeReady;
  private HttpServer server;
  private PushHub push;

  /** {@code nodeReady}: the rest of the node deployed; the router is built before, the server listens after. */
  public HttpVerticle(AppConfig config, Database.Clients db, JWTAuth jwt, List<Routes> capabilities, Feed feed,
                      AccessCache access, AtomicBoolean draining, AtomicInteger openSockets, RequestLoad load,
                      Future<?> nodeReady) {
    this.config = config;
    this.db = db;
    this.jwt = jwt;
    this.capabilities = capabilities;
    this.feed = feed;
    this.access = access;
    this.draining = draining;
    this.openSockets = openSockets;
    this.load = load;
    this.nodeReady = nodeReady;
  }

  @Override
  public Future<?> start() {
    return vertx.fileSystem().readFile(CONTRACT).compose(yaml -> OpenAPIContract.from(vertx, CONTRACT)
      .compose(contract -> {
        Authenticator authenticator = new Authenticator(access,
          tenantId -> feed.trusted(tenantId, System.currentTimeMillis()));
        Router router = router(contract, yaml.toString(), authenticator);
        push = new PushHub(vertx, jwt, authenticator, access, openSockets);
        HttpServerOptions options = new HttpServerOptions()
          .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
          .setMaxHeaderSize(16 * 1024)
          .setCompressionSupported(true)
          .setMaxWebSocketFrameSize(WEBSOCKET_MESSAGE_LIMIT_BYTES)
          .setMaxWebSocketMessageSize(WEBSOCKET_MESSAGE_LIMIT_BYTES)
          .setWebSocketClosingTimeout(5)
          // A fixed kernel send buffer: with autotuning, megabytes of frames for a client that stopped reading would
          // sit in the kernel, out of sight of the WebSocket's bounded write queue (PushHub.WRITE_QUEUE_BYTES).
          .setSendBufferSize(SEND_BUFFER_BYTES);
        server = vertx.createHttpServer(options);
        server
          .invalidRequestHandler(ProblemResponses::invalidRequest)
          .webSocketHandshakeHandler(push::handshake)
          .webSocketHandler(socket -> {
          })
          .requestHandler(router);
        // A server serves from the context it listens on: back on this verticle's own.
        Promise<Void> nodeIsReady = Promise.promise();
        nodeReady.<Void>mapEmpty().onComplete(ready -> context.runOnContext(here -> nodeIsReady.handle(ready)));
        return nodeIsReady.future().compose(ready -> server.listen(config.httpPort()));
      }));
  }

  /**
   * Graceful: WebSockets are closed with 1001, no new connection is accepted, and requests in flight finish (up to
   * SHUTDOWN_TIMEOUT_MS) before the server closes.
   */
  @Override
  public Future<?> stop() {
    if (push != null) {
      push.goingAway();
    }
    return server == null ? Future.succeededFuture()
      : server.shutdown(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private Router router(OpenAPIContract contract, String yaml, Authenticator authenticator) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract);
    // First: the whole request, body upload included, must finish within the timeout (a trickling body too).
    builder.rootHandler(new AccessLog());
    builder.rootHandler(new RequestTimeout(config.requestTimeout()));
    builder.rootHandler(new PercentEncoding());
    // After the platform handlers (Vert.x orders them so), before the body and authentication.
    if (!config.corsAllowedOrigins().isEmpty()) {
      builder.rootHandler(cors(config.corsAllowedOrigins()));
    }
    builder.rootHandler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    builder.security("bearerAuth").httpHandler(JWTAuthHandler.create(jwt));

    Api api = new Api(vertx, builder, contract.getSchemaRepository(), authenticator,
      new Idempotency(db.pool(), config.requestTimeout()), feed, access, load);
    Probes probes = new Probes(vertx, db, feed, draining);
    api.open("health", probes.database());
    api.open("healthLive", probes.live());
    api.open("healthReady", probes.ready());
    // Upgrades never reach the router (the server's WebSocket handshake handler takes them): a plain GET is a mistake.
    api.open("openWebSocket", ctx -> ctx.fail(ApiError.badRequest(null,
      "GET /ws is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)")));
    capabilities.forEach(routes -> routes.bind(api));
    List<String> unbound = builder.getRoutes().stream()
      .filter(route -> route.getHandlers().isEmpty())
      .map(route -> route.getOperation().getOperationId())
      .toList();
    if (!unbound.isEmpty()) {
      throw new IllegalStateException("operations of " + CONTRACT + " without a handler: " + unbound);
    }

    Router router = builder.createRouter();
    SwaggerUi.mount(router, yaml);
    Console.mount(router);
    ProblemResponses problems = new ProblemResponses(new Problems(BODY_LIMIT_BYTES));
    router.route().last().failureHandler(problems);
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    router.errorHandler(500, problems);
    return router;
  }

  /**
   * Browser agent UIs on other origins (CORS_ALLOWED_ORIGINS): preflights are answered here, before authentication;
   * the headers a client needs to read (tags, request ids, replays) are exposed.
   */
  private static CorsHandler cors(List<String> origins) {
    return CorsHandler.create()
      .addOrigins(origins)
      .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
      .allowedHeaders(Set.of("authorization", "content-type", "if-none-match", "idempotency-key", "x-request-id"))
      .exposedHeaders(Set.of("ETag", "X-Request-Id", Idempotency.REPLAYED))
      .maxAgeSeconds(600);
  }
}
