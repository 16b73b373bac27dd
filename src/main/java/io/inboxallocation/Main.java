package io.inboxallocation;

import io.inboxallocation.auth.Role;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import io.inboxallocation.demo.Demo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@code java -jar inbox-allocation.jar} runs the service;
 * {@code java -jar inbox-allocation.jar token --role ROLE [--tenant ID] [--sub ID] [--ttl SECONDS]} prints a token
 * signed with JWT_SECRET, for trying the API locally;
 * {@code java -jar inbox-allocation.jar demo [--no-traffic]} runs the service with a demo tenant and simulated
 * traffic, and prints links to the console ({@link Demo}).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    try {
      AppConfig config = AppConfig.fromEnvironment();
      if (args.length > 0 && args[0].equals("token")) {
        System.out.println(token(config, options(Arrays.copyOfRange(args, 1, args.length))));
        return;
      }
      if (args.length > 0 && args[0].equals("demo")) {
        boolean traffic = demoTraffic(Arrays.copyOfRange(args, 1, args.length));
        run(config, (vertx, service) -> Demo.start(vertx, config, service.port(), traffic));
        return;
      }
      run(config, (vertx, service) -> {
      });
    } catch (IllegalArgumentException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Starts the node; {@code onStarted} runs once it listens. The migrations (Flyway, blocking JDBC: a second or more
   * of it class loading) run on a worker thread while Vert.x starts and the HTTP verticles build their routers from
   * the contract; the verticles that use the database deploy once they are done.
   */
  private static void run(AppConfig config, BiConsumer<Vertx, Service> onStarted) {
    long started = System.nanoTime();
    if (config.jwtSecretIsDefault()) {
      LOG.warn("JWT_SECRET is not set: using the development secret. Set JWT_SECRET before exposing this service.");
    }
    // Vert.x's own meters (HTTP server and client, pools) and the JVM's, in the registry the management port serves.
    // The event bus, TCP, UDP and verticle meters are off: every request crosses the event bus twice and opens no
    // socket of its own, so they would cost each request meter updates that answer nothing the HTTP meters don't.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // client_namespace: the database clients' names (Database.clients), so that each has series of its own.
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
      .addLabels(Label.NAMESPACE);
    for (MetricsDomain off : new MetricsDomain[] {MetricsDomain.EVENT_BUS, MetricsDomain.NET_SERVER,
      MetricsDomain.NET_CLIENT, MetricsDomain.DATAGRAM_SOCKET, MetricsDomain.VERTICLES}) {
      metrics.addDisabledMetricsCategory(off);
    }
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(metrics))
      .withMetrics(new MicrometerMetricsFactory(registry))
      .build();
    Future<Void> migrated = vertx.executeBlocking(() -> {
      Database.migrate(config);
      return null;
    });
    Service.start(vertx, config, registry, migrated).onComplete(
      service -> {
        LOG.info("listening on port {} (ready in {} ms)", service.port(), (System.nanoTime() - started) / 1_000_000);
        onTermination(() -> shutdown(vertx, service, config));
        onStarted.accept(vertx, service);
      },
      failure -> {
        if (failure instanceof Database.StartupException) {
          LOG.error("cannot start: {}", failure.getMessage());
        } else {
          LOG.error("cannot start: {} (HTTP_PORT={})", failure.toString(), config.httpPort());
        }
        vertx.close().onComplete(closed -> System.exit(1));
      });
  }

  /** SIGTERM (and Ctrl-C): a graceful stop, then exit 0, as an orchestrator expects of a clean stop. */
  private static void onTermination(Runnable stop) {
    Runnable once = new Runnable() {
      private boolean started;

      @Override
      public synchronized void run() {
        if (!started) {
          started = true;
          new Thread(stop, "shutdown").start();
        }
      }
    };
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> once.run());
    }
  }

  private static void shutdown(Vertx vertx, Service service, AppConfig config) {
    LOG.info("shutting down: not ready, finishing requests in flight (up to {} ms)", config.shutdownTimeout().toMillis());
    int status = 0;
    try {
      // Awaited here, on the shutdown thread, one after the other: a future chained to the close would complete on an
      // event loop the close has just stopped (netty then rejects the task and prints its stack trace).
      service.stop(vertx).toCompletionStage().toCompletableFuture()
        .get(config.shutdownTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(5_000, TimeUnit.MILLISECONDS);
      LOG.info("stopped");
    } catch (Exception e) {
      LOG.error("shutdown did not complete: {}", e.toString());
      status = 1;
    }
    System.exit(status);
  }

  private static String token(AppConfig config, Map<String, String> options) {
    Role role = Role.valueOf(options.getOrDefault("role", "ADMIN"));
    String subject = options.getOrDefault("sub", role.name().toLowerCase());
    Vertx vertx = Vertx.vertx();
    try {
      return Tokens.mint(Tokens.auth(vertx, config.jwtSecret()), subject, role, options.get("tenant"),
        Integer.parseInt(options.getOrDefault("ttl", "86400")));
    } finally {
      vertx.close();
    }
  }

  private static boolean demoTraffic(String[] args) {
    if (args.length == 0) {
      return true;
    }
    if (args.length == 1 && args[0].equals("--no-traffic")) {
      return false;
    }
    throw new IllegalArgumentException("usage: demo [--no-traffic]");
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    Iterator<String> it = Arrays.asList(args).iterator();
    while (it.hasNext()) {
      String name = it.next();
      if (!name.startsWith("--") || !it.hasNext()) {
        throw new IllegalArgumentException("usage: token --role ROLE [--tenant ID] [--sub ID] [--ttl SECONDS]");
      }
      options.put(name.substring(2), it.next());
    }
    return options;
  }
}
