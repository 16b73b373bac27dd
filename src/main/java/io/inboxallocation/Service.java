package io.inboxallocation;

import io.inboxallocation.allocation.AllocationCommands;
import io.inboxallocation.allocation.AllocationRoutes;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.conversation.ConversationQueries;
import io.inboxallocation.conversation.ConversationRoutes;
import io.inboxallocation.conversation.IngestCommands;
import io.inboxallocation.db.Database;
import io.inboxallocation.http.HttpVerticle;
import io.inboxallocation.http.Routes;
import io.inboxallocation.inbox.InboxCommands;
import io.inboxallocation.inbox.InboxQueries;
import io.inboxallocation.inbox.InboxRoutes;
import io.inboxallocation.label.LabelCommands;
import io.inboxallocation.label.LabelQueries;
import io.inboxallocation.label.LabelRoutes;
import io.inboxallocation.operator.OperatorCommands;
import io.inboxallocation.operator.OperatorQueries;
import io.inboxallocation.operator.OperatorRoutes;
import io.inboxallocation.status.GraceSweeper;
import io.inboxallocation.status.StatusCommands;
import io.inboxallocation.status.StatusQueries;
import io.inboxallocation.status.StatusRoutes;
import io.inboxallocation.tenant.TenantCommands;
import io.inboxallocation.tenant.TenantQueries;
import io.inboxallocation.tenant.TenantRoutes;
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
    HttpVerticle http = new HttpVerticle(config, pool, Tokens.auth(vertx, config.jwtSecret()),
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
      return List.of(
        new Capability(new TenantRoutes(), List.of(new TenantCommands(pool), new TenantQueries(pool))),
        new Capability(new OperatorRoutes(), List.of(new OperatorCommands(pool), new OperatorQueries(pool))),
        new Capability(new InboxRoutes(), List.of(new InboxCommands(pool), new InboxQueries(pool))),
        new Capability(new ConversationRoutes(), List.of(new IngestCommands(pool), new ConversationQueries(pool))),
        new Capability(new AllocationRoutes(), List.of(new AllocationCommands(pool))),
        new Capability(new LabelRoutes(), List.of(new LabelCommands(pool), new LabelQueries(pool))),
        new Capability(new StatusRoutes(), List.of(new StatusCommands(pool), new StatusQueries(pool),
          new GraceSweeper(config.graceSweepInterval()))));
    }
  }
}
