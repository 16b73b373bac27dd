package io.inboxallocation.demo;

import ch.qos.logback.classic.Level;
import io.inboxallocation.auth.Role;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.http.AccessLog;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * {@code java -jar inbox-allocation.jar demo [--no-traffic]}: once the node listens, the demo tenant is found or
 * seeded through the node's own API, the console links and a few curl lines are printed, and (unless
 * {@code --no-traffic}) the simulated traffic runs. On a thread of its own: the demo calls the API and waits for
 * the answers, which an event loop must never do.
 */
public final class Demo {

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  /** How long the printed links and tokens work: a working day. */
  static final Duration LINK_TTL = Duration.ofHours(12);

  private Demo() {
  }

  public static void start(Vertx vertx, AppConfig config, int port, boolean traffic) {
    quietAccessLog();
    Thread demo = new Thread(() -> {
      DemoApi api = new DemoApi(vertx, Tokens.auth(vertx, config.jwtSecret()), port);
      DemoTenant tenant;
      try {
        tenant = new DemoSeed(api).findOrCreate(config);
      } catch (Exception e) { // Future.await() rethrows a failure as it is, a refused connection included
        LOG.error("demo: the demo tenant could not be prepared: {}", e.getMessage());
        return;
      }
      System.out.println(banner(api, tenant, traffic));
      if (traffic) {
        new DemoTraffic(api, tenant).run();
      }
    }, "demo");
    // The service's own shutdown ends the process; the demo never holds it up.
    demo.setDaemon(true);
    demo.start();
  }

  /**
   * The demo's own requests, hundreds at the start and a few every few seconds, would bury the printed links in
   * access lines; what they do is what the console shows.
   */
  private static void quietAccessLog() {
    if (LoggerFactory.getLogger(AccessLog.LOGGER) instanceof ch.qos.logback.classic.Logger access) {
      access.setLevel(Level.WARN);
    }
  }

  /** The demo tenant of the node at {@code port}, seeded if the database has none yet. */
  public static DemoTenant seed(Vertx vertx, AppConfig config, int port) {
    return new DemoSeed(new DemoApi(vertx, Tokens.auth(vertx, config.jwtSecret()), port)).findOrCreate(config);
  }

  static String banner(DemoApi api, DemoTenant tenant, boolean traffic) {
    int ttl = (int) LINK_TTL.toSeconds();
    String base = "http://localhost:" + api.port();
    String manager = api.token(Role.MANAGER, tenant.id(), tenant.manager().id(), ttl);
    List<DemoTenant.Person> people = tenant.people();
    DemoTenant.Person first = people.get(0);
    String firstToken = api.token(Role.OPERATOR, tenant.id(), first.id(), ttl);
    String service = api.token(Role.SERVICE, tenant.id(), "curl", ttl);
    StringBuilder text = new StringBuilder()
      .append("\n== Inbox & Allocation demo: tenant \"").append(DemoSeed.TENANT).append("\" (").append(tenant.id())
      .append("), simulated traffic ").append(traffic ? "on (--no-traffic turns it off)" : "off")
      .append("; access log off ==\n\n")
      .append("Open the console (links valid ").append(LINK_TTL.toHours()).append(" h):\n")
      .append(String.format("  %-8s %-14s %s/console#token=%s%n", "Manager", tenant.manager().name(), base, manager));
    for (DemoTenant.Person person : people) {
      String token = person == first ? firstToken : api.token(Role.OPERATOR, tenant.id(), person.id(), ttl);
      text.append(String.format("  %-8s %-14s %s/console#token=%s%n", "Operator", person.name(), base, token));
    }
    return text.append("\nTry the API (a customer writes in, the queue by priority, ").append(first.name())
      .append(" takes the next conversation):\n")
      .append("  SERVICE=").append(service).append('\n')
      .append("  MANAGER=").append(manager).append('\n')
      .append("  OPERATOR=").append(firstToken).append('\n')
      .append("  curl -s -X POST ").append(base).append("/conversations -H \"authorization: Bearer $SERVICE\"")
      .append(" -H 'content-type: application/json' -d '{\"inboxId\":\"").append(tenant.inboxes().get(0).id())
      .append("\",\"externalConversationId\":\"curl-'$RANDOM'\",\"customerPhoneNumber\":\"+5511987650000\",")
      .append("\"messageCount\":3}'\n")
      .append("  curl -s '").append(base).append("/conversations?state=QUEUED&sort=priority&limit=3'")
      .append(" -H \"authorization: Bearer $MANAGER\"\n")
      .append("  curl -s -X POST ").append(base).append("/allocation/allocate -H \"authorization: Bearer $OPERATOR\"")
      .append(" -H 'content-type: application/json' -d '{}'\n")
      .toString();
  }
}
