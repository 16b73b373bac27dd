package io.inboxallocation;

import io.inboxallocation.allocation.AllocationCommands;
import io.inboxallocation.allocation.AllocationRoutes;
import io.inboxallocation.assignment.PushAssigner;
import io.inboxallocation.auth.AccessCache;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.bus.Bus;
import io.inboxallocation.bus.RequestLoad;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.conversation.ConversationQueries;
import io.inboxallocation.conversation.ConversationRoutes;
import io.inboxallocation.conversation.IngestCommands;
import io.inboxallocation.db.Database;
import io.inboxallocation.feed.Feed;
import io.inboxallocation.feed.FeedQueries;
import io.inboxallocation.feed.FeedRelay;
import io.inboxallocation.feed.FeedRetention;
import io.inboxallocation.feed.FeedRoutes;
import io.inboxallocation.feed.Sequencer;
import io.inboxallocation.http.HttpVerticle;
import io.inboxallocation.http.IdempotencyPurge;
import io.inboxallocation.http.Probes;
import io.inboxallocation.http.Routes;
import io.inboxallocation.ops.LifecycleMetrics;
import io.inboxallocation.ops.ManagementVerticle;
import io.inboxallocation.ops.NodeMetrics;
import io.inboxallocation.ops.QueueMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.inboxallocation.inbox.InboxCommands;
import io.inboxallocation.inbox.InboxQueries;
import io.inboxallocation.inbox.InboxRoutes;
import io.inboxallocation.label.LabelCommands;
import io.inboxallocation.label.LabelQueries;
import io.inboxallocation.label.LabelRoutes;
import io.inboxallocation.operator.OperatorCommands;
import io.inboxallocation.operator.OperatorQueries;
import io.inboxallocation.operator.OperatorRoutes;
import io.inboxallocation.orchestrator.OrchestratorQueries;
import io.inboxallocation.orchestrator.OrchestratorRoutes;
import io.inboxallocation.status.GraceSweeper;
import io.inboxallocation.status.StatusCommands;
import io.inboxallocation.status.StatusQueries;
import io.inboxallocation.status.StatusRoutes;
import io.inboxallocation.tenant.TenantCommands;
import io.inboxallocation.tenant.TenantQueries;
import io.inboxallocation.tenant.TenantRoutes;
import io.inboxallocation.webhook.WebhookCommands;
import io.inboxallocation.webhook.WebhookDispatcher;
import io.inboxallocation.webhook.WebhookQueries;
import io.inboxallocation.webhook.WebhookRoutes;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One node of the service: the command and query verticles of every capability, the background verticles (grace
 * sweeper, feed relay and retention, push assignment, webhook deliveries, idempotency purge), and the HTTP verticle in front. Nodes share nothing but PostgreSQL, so any number can run side by side.
 * The schema must be migrated first ({@link Database#migrate}).
 */
public final class Service {

  private final int port;
  private final int managementPort;
  private final String httpDeployment;
  private final AtomicBoolean draining;

  private Service(int port, int managementPort, String httpDeployment, AtomicBoolean draining) {
    this.port = port;
    this.managementPort = managementPort;
    this.httpDeployment = httpDeployment;
    this.draining = draining;
  }

  public int port() {
    return port;
  }

  /** The management port: metrics and probes. */
  public int managementPort() {
    return managementPort;
  }

  /** A node with a metrics registry of its own (tests, tools); the service's {@code Main} passes Vert.x's. */
  public static Future<Service> start(Vertx vertx, AppConfig config) {
    return start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public static Future<Service> start(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
    return start(vertx, config, registry, Future.succeededFuture());
  }

  /**
   * A node whose schema is being migrated meanwhile ({@code migrated}): the HTTP verticles build their routers at once,
   * everything else deploys once the migrations are done, and the HTTP verticles listen after that.
   */
  public static Future<Service> start(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry,
                                      Future<?> migrated) {
    Bus.registerCodec(vertx);
    Database.Clients db = Database.clients(vertx, config);
    Sequencer sequencer = new Sequencer(new LifecycleMetrics(registry));
    List<Capability> capabilities = Capability.all(db, config, sequencer);
    JWTAuth jwt = Tokens.auth(vertx, config.jwtSecret());
    List<Routes> routes = capabilities.stream().map(Capability::routes).toList();
    AtomicBoolean draining = new AtomicBoolean();
    // What this node knows of the feed and of who may see what: shared by the relay and the HTTP verticles.
    Feed feed = new Feed();
    AccessCache access = new AccessCache(db.pipelined());
    AtomicInteger openSockets = new AtomicInteger();
    RequestLoad load = new RequestLoad();
    NodeMetrics.register(registry, feed, openSockets, load);
    List<Deployable> verticles = Stream.concat(
        capabilities.stream().flatMap(capability -> capability.verticles().stream()),
        Stream.of(new IdempotencyPurge(db.pool()),
          new FeedRelay(db.pool(), config.database(), feed, sequencer, access, config.feed().pollInterval()),
          new FeedRetention(db.pool(), db.background(), config.feed().retention(),
            config.feed().purgeInterval()),
          new PushAssigner(db.pool(), config.pushSweepInterval()),
          new WebhookDispatcher(db.background(), config.webhooks(), load, registry),
          new QueueMetrics(db.pool(), registry, config.management().queueMetricsInterval())))
      .toList();
    // One HTTP verticle per core: request parsing, validation and JSON writing are the service's own CPU work.
    // Instances share one listening port; Vert.x shares it only between servers asking for the same port, so a
    // random port (0) is chosen here, once.
    AppConfig bound = config.httpPort() == 0 ? config.withHttpPort(freePort()) : config;
    ManagementVerticle management = new ManagementVerticle(config.management().port(), registry,
      new Probes(vertx, db, feed, draining));
    Future<?> ready = migrated
      .compose(done -> Future.all(verticles.stream().map(vertx::deployVerticle).toList()))
      .compose(deployed -> vertx.deployVerticle(management));
    Future<String> http = vertx.deployVerticle(
      () -> new HttpVerticle(bound, db, jwt, routes, feed, access, draining, openSockets, load, ready),
      new DeploymentOptions().setInstances(config.httpInstances()));
    // The node's own failure first (a failed migration also fails the HTTP verticles, which wait for it).
    return ready.compose(deployed -> http)
      .map(id -> new Service(bound.httpPort(), management.actualPort(), id, draining));
  }

  /**
   * Stops the node's verticles without dropping a request: readiness goes DOWN at once, the HTTP verticles stop first
   * (no new connection; requests in flight finish, within SHUTDOWN_TIMEOUT_MS; WebSockets closed with 1001) while the
   * commands and queries they need still run, then every other verticle (the webhook dispatcher writes the outcomes
   * of its attempts in flight). The pools are still open for all of that: {@code vertx.close()} closes them after.
   */
  public Future<Void> stop(Vertx vertx) {
    draining.set(true);
    return vertx.undeploy(httpDeployment)
      .compose(http -> Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()))
      .mapEmpty();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for HTTP", e);
    }
  }

  /** A slice of the service: its HTTP routes and the verticles that serve them. */
  record Capability(Routes routes, List<Deployable> verticles) {

    static List<Capability> all(Database.Clients db, AppConfig config, Sequencer sequencer) {
      return List.of(
        new Capability(new TenantRoutes(), List.of(new TenantCommands(db), new TenantQueries(db))),
        new Capability(new OperatorRoutes(), List.of(new OperatorCommands(db), new OperatorQueries(db))),
        new Capability(new InboxRoutes(), List.of(new InboxCommands(db), new InboxQueries(db))),
        new Capability(new ConversationRoutes(), List.of(new IngestCommands(db), new ConversationQueries(db))),
        new Capability(new AllocationRoutes(), List.of(new AllocationCommands(db))),
        new Capability(new LabelRoutes(), List.of(new LabelCommands(db), new LabelQueries(db))),
        new Capability(new StatusRoutes(), List.of(new StatusCommands(db), new StatusQueries(db),
          new GraceSweeper(config.graceSweepInterval()))),
        new Capability(new FeedRoutes(), List.of(new FeedQueries(db, sequencer))),
        new Capability(new WebhookRoutes(), List.of(new WebhookCommands(db, config.webhooks().allowPrivateNetworks()),
          new WebhookQueries(db))),
        new Capability(new OrchestratorRoutes(), List.of(new OrchestratorQueries(db, config.orchestrator()))));
    }
  }
}
