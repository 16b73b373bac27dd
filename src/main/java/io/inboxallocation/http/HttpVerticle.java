package io.inboxallocation.http;

import io.inboxallocation.auth.Authenticator;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.problem.Problems;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.inboxallocation.db.Database;

import java.util.List;

/**
 * The HTTP edge. The router is generated from openapi.yaml, so a request reaches a capability's handler only after
 * its path, parameters and body matched the contract; each capability binds its own operations ({@link Routes}).
 */
public final class HttpVerticle extends VerticleBase {

  public static final String CONTRACT = "openapi.yaml";
  public static final int BODY_LIMIT_BYTES = 64 * 1024;

  /** Seconds of silence after which a connection is closed: an idle keep-alive, or a request head that stalled. */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  private final AppConfig config;
  private final Database.Clients db;
  private final JWTAuth jwt;
  private final List<Routes> capabilities;

  public HttpVerticle(AppConfig config, Database.Clients db, JWTAuth jwt, List<Routes> capabilities) {
    this.config = config;
    this.db = db;
    this.jwt = jwt;
    this.capabilities = capabilities;
  }

  @Override
  public Future<?> start() {
    return vertx.fileSystem().readFile(CONTRACT).compose(yaml -> OpenAPIContract.from(vertx, CONTRACT)
      .compose(contract -> {
        Router router = router(contract, yaml.toString());
        HttpServerOptions options = new HttpServerOptions()
          .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
          .setMaxHeaderSize(16 * 1024)
          .setCompressionSupported(true);
        return vertx.createHttpServer(options)
          .invalidRequestHandler(ProblemResponses::invalidRequest)
          .requestHandler(router)
          .listen(config.httpPort());
      }));
  }

  private Router router(OpenAPIContract contract, String yaml) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract);
    // First: the whole request, body upload included, must finish within the timeout (a trickling body too).
    builder.rootHandler(TimeoutHandler.create(config.requestTimeout().toMillis(), 503));
    builder.rootHandler(new PercentEncoding());
    builder.rootHandler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    builder.security("bearerAuth").httpHandler(JWTAuthHandler.create(jwt));

    Api api = new Api(vertx, builder, contract.getSchemaRepository(), new Authenticator(db.pipelined()),
      new Idempotency(db.pool(), config.requestTimeout()));
    api.open("health", health());
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
    ProblemResponses problems = new ProblemResponses(new Problems(BODY_LIMIT_BYTES));
    router.route().last().failureHandler(problems);
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    router.errorHandler(500, problems);
    return router;
  }

  private HealthCheckHandler health() {
    return HealthCheckHandler.create(vertx).register("database", 2_000, promise -> db.pipelined().query("SELECT 1").execute()
      .onComplete(ok -> promise.complete(Status.OK()), failure -> promise.complete(Status.KO())));
  }
}
