package io.inboxallocation;

import io.inboxallocation.auth.Role;
import io.inboxallocation.auth.Tokens;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.db.Database;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code java -jar inbox-allocation.jar} runs the service;
 * {@code java -jar inbox-allocation.jar token --role ROLE [--tenant ID] [--sub ID] [--ttl SECONDS]} prints a token
 * signed with JWT_SECRET, for trying the API locally.
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
      run(config);
    } catch (Database.StartupException | IllegalArgumentException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(1);
    }
  }

  private static void run(AppConfig config) throws Database.StartupException {
    long started = System.nanoTime();
    if (config.jwtSecretIsDefault()) {
      LOG.warn("JWT_SECRET is not set: using the development secret. Set JWT_SECRET before exposing this service.");
    }
    Database.migrate(config);
    Vertx vertx = Vertx.vertx();
    Service.start(vertx, config).onComplete(
      service -> LOG.info("listening on port {} (ready in {} ms)", service.port(), (System.nanoTime() - started) / 1_000_000),
      failure -> {
        LOG.error("cannot start: {} (HTTP_PORT={})", failure.getMessage(), config.httpPort());
        vertx.close().onComplete(closed -> System.exit(1));
      });
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
