package io.inboxallocation;

import io.inboxallocation.auth.Tokens;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import io.inboxallocation.http.HttpVerticle;
import io.inboxallocation.http.Routes;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * One node of the service: the command and query verticles of every capability, the grace sweeper, and the HTTP
 * verticle in front. Nodes share nothing but PostgreSQL, so any number can run side by side.
 * The schema must be migrated first ({@link Database#migrate}).
 */
public final class Service {

  private final HttpVerticle http;

  private Service(HttpVerticle http) {
    this.http = http;
  }

  public int port() {
    return http.actualPort();
  }

  public static Future<Service> start(Vertx vertx, AppConfig config) {
    Bus.registerCodec(vertx);
    Pool pool = Database.pool(vertx, config);
    List<Capability> capabilities = Capability.all(pool, config);
    HttpVerticle http = new HttpVerticle(config.httpPort(), pool, Tokens.auth(vertx, config.jwtSecret()),
      capabilities.stream().map(Capability::routes).toList());
    List<Future<String>> deployments = capabilities.stream()
      .flatMap(capability -> capability.verticles().stream())
      .map(vertx::deployVerticle)
      .toList();
    return Future.all(deployments)
      .compose(deployed -> vertx.deployVerticle(http))
      .map(id -> new Service(http));
  }

  /** A slice of the service: its HTTP routes and the verticles that serve them. */
  record Capability(Routes routes, List<Deployable> verticles) {

    static List<Capability> all(Pool pool, AppConfig config) {
      return List.of();
    }
  }
}
