package io.inboxallocation.ops;

import io.inboxallocation.http.Probes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The management port (MANAGEMENT_PORT): Prometheus metrics at {@code /metrics} and the probes. Apart from the API's
 * port, so that metrics labelled with tenant ids never reach the public interface.
 */
public final class ManagementVerticle extends VerticleBase {

  private final int port;
  private final PrometheusMeterRegistry registry;
  private final Probes probes;
  private HttpServer server;

  public ManagementVerticle(int port, PrometheusMeterRegistry registry, Probes probes) {
    this.port = port;
    this.registry = registry;
    this.probes = probes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/health/live").handler(probes.live());
    router.get("/health/ready").handler(probes.ready());
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(port);
  }

  /** The port it listens on (MANAGEMENT_PORT, or the one chosen for 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
