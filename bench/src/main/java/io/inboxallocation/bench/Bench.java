package io.inboxallocation.bench;

import io.inboxallocation.bench.Load.Group;
import io.inboxallocation.bench.Load.Result;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark (issue 3): starts the service jar against a database of its own, seeds it through SQL, drives the
 * scenarios over HTTP and the same SQL through pgbench, checks the plans, and writes bench/results/latest.{json,md}.
 * Exit status: 0 when every scenario ran without errors and the allocation check held (and, in a full run, the plan
 * checks passed); targets that are missed are reported, not failed.
 */
public final class Bench {

  static final String LIST_QUEUE = "/conversations?state=QUEUED&sort=priority&limit=50";
  static final String POLL_FEW_INBOXES = "poll (few inboxes)";
  static final Set<Integer> OK = Set.of(200);
  static final Set<Integer> ALLOCATE_OK = Set.of(200, 204);
  static final Set<Integer> UPSERT_OK = Set.of(200, 201);

  // concurrency of each scenario (issue 3)
  static final int ALLOCATORS = 50;
  static final int POLLERS = 64;
  static final int INGESTERS = 32;
  // mixed: a contact centre at shift start
  static final int MIXED_POLLERS = 24;
  static final int MIXED_ALLOCATORS = 16;
  static final int MIXED_INGESTERS = 12;
  static final int MIXED_STATUS = 4;

  // issue 7: service throughput / pgbench throughput on the same SQL, measured in one run
  static final double ALLOCATE_MIN_RATIO = 0.9;
  static final Map<String, Double> MIN_RATIO = Map.of("poll", 0.8, POLL_FEW_INBOXES, 0.8, "ingest", 0.8);

  /** The scenario names BENCH_ONLY takes (comma-separated); unset or empty: all of them. */
  static final List<String> SCENARIOS = List.of("allocate", "poll", "ingest", "mixed", "webhooks", "feed",
    "push-shift");

  // the HTTP client's connection pool: the widest scenario (conditional poll: 256 pollers + its writer) fits
  static final int MAX_CONNECTIONS = FeedBench.CONDITIONAL_POLLERS + 64;

  final boolean smoke;
  final Path repo;
  final Path benchDir;
  private final Path serviceJar;
  private final List<Long> depths;
  final double warmup;
  /** The most a run's warm-up is extended while the service's JIT compilers are busy (see {@link Load}). */
  final double jitWaitMax;
  final double duration;
  private final double pgbenchSeconds;
  final double progress;
  private final String pgHost = env("PGHOST", "127.0.0.1");
  private final int pgPort = Integer.parseInt(env("PGPORT", "5432"));
  private final String pgUser = env("PGUSER", "postgres");
  private final String dbName = "ia_bench_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final String secret = "bench-secret-" + UUID.randomUUID();
  private final String resultsName;
  /** BENCH_ONLY: the scenarios to run; empty = all. */
  private final Set<String> only;

  final JsonObject results = new JsonObject();
  final List<String> failures = new ArrayList<>();
  private Process service;
  /** A second service node (push and idle-socket scenarios), started and stopped by {@link FeedBench}. */
  volatile Process secondNode;
  Db db;
  Load load;
  Proc.Sampler sampler;
  int httpPort;
  private ServiceSql sql;
  private JWTAuth jwt;
  String[] operatorTokens;
  String serviceToken;
  private final AtomicLong newIds = new AtomicLong();

  /** A running service process: its port, the sampler of its /proc figures, and its start-up time. */
  record Node(Process process, int port, Proc.Sampler sampler, double healthyMs, long rssAtHealthyKb, String javaOpts) {
  }

  private Bench(boolean smoke, Path repo, Path serviceJar) {
    this.smoke = smoke;
    this.repo = repo;
    this.benchDir = repo.resolve("bench");
    this.serviceJar = serviceJar;
    this.depths = Arrays.stream(env("BENCH_DEPTHS", smoke ? "2000" : "1000,100000,1000000").split(","))
      .map(String::trim).map(Long::parseLong).toList();
    this.warmup = Double.parseDouble(env("BENCH_WARMUP", smoke ? "1" : "5"));
    this.jitWaitMax = Double.parseDouble(env("BENCH_JIT_WARMUP", smoke ? "0" : "90"));
    this.duration = Double.parseDouble(env("BENCH_DURATION", smoke ? "3" : "20"));
    this.pgbenchSeconds = Double.parseDouble(env("BENCH_PGBENCH_SECONDS", smoke ? "3" : "20"));
    this.progress = smoke ? 1 : 5;
    this.only = only();
    // A smoke run must not overwrite the committed figures of the last full run, nor a partial run (BENCH_ONLY) them.
    this.resultsName = !only.isEmpty() ? "partial" : smoke ? "smoke" : "latest";
  }

  /** BENCH_ONLY as a set of scenario names (see {@link #SCENARIOS}); exits on an unknown one. */
  private static Set<String> only() {
    Set<String> names = new java.util.LinkedHashSet<>();
    for (String n : env("BENCH_ONLY", "").split(",")) {
      String name = n.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!SCENARIOS.contains(name)) {
        System.err.println("BENCH_ONLY: unknown scenario '" + name + "' (one or more of " + SCENARIOS + ")");
        System.exit(2);
      }
      names.add(name);
    }
    return names;
  }

  private boolean runs(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  public static void main(String[] args) throws Exception {
    boolean smoke = false;
    boolean regen = false;
    Path repo = Path.of("").toAbsolutePath();
    Path jar = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> smoke = true;
        case "--regen-pgbench" -> regen = true;
        case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath();
        case "--service-jar" -> jar = Path.of(args[++i]).toAbsolutePath();
        default -> {
          System.err.println("usage: Bench [--smoke] [--regen-pgbench] [--repo DIR] [--service-jar JAR]");
          System.exit(2);
        }
      }
    }
    if (jar == null) {
      jar = repo.resolve("target/inbox-allocation.jar");
    }
    Bench bench = new Bench(smoke, repo, jar);
    if (regen) {
      ServiceSql.load(jar).writeScripts(bench.benchDir.resolve("pgbench"));
      System.out.println("wrote " + bench.benchDir.resolve("pgbench"));
      return;
    }
    System.exit(bench.run());
  }

  private int run() throws Exception {
    long started = System.nanoTime();
    System.out.println("== Inbox & Allocation benchmark (" + (smoke ? "smoke" : "full") + "), database " + dbName);
    if (!only.isEmpty()) {
      System.out.println("== BENCH_ONLY: " + only + " (results in bench/results/" + resultsName + ".{json,md})");
    }
    results.put("mode", smoke ? "smoke" : "full").put("startedAt", Instant.now().toString())
      .put("only", only.isEmpty() ? null : new JsonArray(new ArrayList<>(only)))
      .put("settings", new JsonObject().put("depths", new JsonArray(new ArrayList<>(depths))).put("warmupSeconds", warmup)
        .put("jitWaitMaxSeconds", jitWaitMax)
        .put("jitQuietBelowCores", Load.QUIET_COMPILER_CORES)
        .put("durationSeconds", duration).put("pgbenchSeconds", pgbenchSeconds));
    Path out = benchDir.resolve("results");
    results.put("previousRun", previousRun(out.resolve(resultsName + ".json")));

    sql = ServiceSql.load(serviceJar);
    List<String> drift = sql.drift(benchDir.resolve("pgbench"));
    results.put("pgbenchDrift", new JsonArray(drift));
    if (!drift.isEmpty()) {
      System.out.println("!! DRIFT: bench/pgbench/" + drift + " no longer match the service SQL in " + serviceJar
        + ": run `bench/run.sh --regen-pgbench` and commit (the physical-limit figures use the committed scripts)");
    }

    Db.create(pgHost, pgPort, pgUser, dbName);
    Thread hook = new Thread(this::teardown);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      startService();
      db = new Db(pgHost, pgPort, pgUser, dbName);
      results.put("machine", machine());
      db.seedStaff();
      load = new Load(httpPort, MAX_CONNECTIONS, sampler, jitWaitMax);
      mintTokens();

      long q = depths.get(depths.size() - 1);
      if (runs("allocate")) {
        JsonArray depthRows = new JsonArray();
        for (long depth : depths) {
          depthRows.add(depth(depth, depth == q));
        }
        results.put("queueDepth", depthRows);
      } else if (runs("poll") || runs("ingest") || runs("mixed") || runs("webhooks") || runs("feed")) {
        // the queue the allocate runs would have left (BENCH_ONLY without allocate)
        System.out.printf("%n== seeding the main tenant's queue, Q = %,d%n", q);
        db.seedQueue(q);
      }

      JsonArray scenarios = new JsonArray();
      results.put("scenarios", scenarios);
      if (runs("poll")) {
        scenarios.add(poll("poll", db.tenant, operatorTokens, q));
        scenarios.add(pollFewInboxes());
      }
      if (runs("ingest")) {
        scenarios.add(ingest(q));
      }
      if (runs("mixed")) {
        scenarios.add(mixed(q));
      }
      // webhooks (issue 9): ingest and allocate while delivering to a local receiver, then a receiver outage
      if (runs("webhooks")) {
        new WebhookBench(this).run(q, scenarios);
      }
      // the event feed (issue 8): conditional polling on this node, push and idle sockets on a second node
      if (runs("feed")) {
        new FeedBench(this).run(q, scenarios);
      }
      // automatic assignment (issue 10): a shift in PUSH mode on a tenant of its own, put back in PULL at the end
      if (runs("push-shift")) {
        new PushShift(this).run(scenarios);
      }
      results.put("serviceRss", new JsonObject().put("peakVmRssMb", Load.round(sampler.peakRssKb / 1024.0))
        .put("vmHwmMb", Load.round(sampler.hwmKb / 1024.0)));
    } catch (Exception e) {
      e.printStackTrace(System.out);
      failures.add("harness: " + e);
    } finally {
      teardown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // interrupted (SIGTERM/Ctrl-C): the hook has torn down already; still write what we have
      }
    }
    results.put("totalSeconds", Load.round((System.nanoTime() - started) / 1e9));
    results.put("targets", targets());
    results.put("failures", new JsonArray(failures));
    Files.createDirectories(out);
    Files.writeString(out.resolve(resultsName + ".json"), results.encodePrettily() + "\n");
    Files.writeString(out.resolve(resultsName + ".md"), Report.markdown(results));
    System.out.println();
    System.out.println(Report.summary(results));
    System.out.println("results: " + out.resolve(resultsName + ".md") + " and " + resultsName + ".json");
    if (!failures.isEmpty()) {
      System.out.println("FAILED:");
      failures.forEach(f -> System.out.println("  - " + f));
      return 1;
    }
    System.out.println("OK");
    return 0;
  }

  // ---------------------------------------------------------------- service process

  private void startService() throws Exception {
    Node node = startNode("service", benchDir.resolve("results/service.log"), p -> service = p);
    httpPort = node.port();
    sampler = node.sampler();
    System.out.printf("service pid %d on port %d: healthy after %.0f ms (RSS %.0f MB)%n", service.pid(), httpPort,
      node.healthyMs(), node.rssAtHealthyKb() / 1024.0);
    results.put("startup", new JsonObject().put("healthyMs", Load.round(node.healthyMs()))
      .put("rssAtHealthyMb", Load.round(node.rssAtHealthyKb() / 1024.0)).put("javaOpts", node.javaOpts()));
  }

  /**
   * Starts a service process on a free port against the bench database (same environment for every node, so a second
   * node shares the database and the JWT secret), samples its /proc figures from the start and waits for its first 200
   * from GET /health. {@code onStart} gets the process as soon as it exists (to be torn down whatever happens next).
   */
  Node startNode(String label, Path log, java.util.function.Consumer<Process> onStart) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The JVM options the README recommends for a small node (see README, Running in production).
    String opts = env("BENCH_SERVICE_JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC");
    if (!opts.isBlank()) {
      cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
    }
    cmd.add("-jar");
    cmd.add(serviceJar.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> e = pb.environment();
    e.remove("DATABASE_URL");
    e.put("PGHOST", pgHost);
    e.put("PGPORT", String.valueOf(pgPort));
    e.put("PGUSER", pgUser);
    e.put("PGDATABASE", dbName);
    e.put("HTTP_PORT", String.valueOf(port));
    // Two nodes on one machine: each takes a free management port (metrics are on, as in production).
    e.put("MANAGEMENT_PORT", "0");
    e.put("JWT_SECRET", secret);
    e.put("GRACE_SWEEP_INTERVAL_MS", "500");
    // The webhook receiver runs on this machine; the schedule is compressed (WebhookBench).
    e.put("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true");
    e.put("WEBHOOK_RETRY_SCHEDULE", WebhookBench.RETRY_SCHEDULE);
    Files.createDirectories(log.getParent());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
      .timeout(Duration.ofSeconds(1)).build();
    long t0 = System.nanoTime();
    Process process = pb.start();
    onStart.accept(process);
    Proc.Sampler processSampler = new Proc.Sampler(process.pid(), dbName);
    long healthyNs = -1;
    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
      if (!process.isAlive()) {
        processSampler.close();
        throw new IllegalStateException("the " + label + " exited with " + process.exitValue() + ": see " + log);
      }
      try {
        if (http.send(health, BodyHandlers.discarding()).statusCode() == 200) {
          healthyNs = System.nanoTime() - t0;
          break;
        }
      } catch (IOException ignored) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    if (healthyNs < 0) {
      processSampler.close();
      throw new IllegalStateException("the " + label + " was not healthy within 60 s: see " + log);
    }
    return new Node(process, port, processSampler, healthyNs / 1e6, Proc.statusKb(process.pid(), "VmRSS"), opts);
  }

  private void teardown() {
    try {
      if (load != null) {
        load.close();
        load = null;
      }
    } catch (Exception ignored) {
      // closing
    }
    if (sampler != null && service != null && service.isAlive()) {
      results.put("serviceRss", new JsonObject().put("peakVmRssMb", Load.round(sampler.peakRssKb / 1024.0))
        .put("vmHwmMb", Load.round(Math.max(sampler.hwmKb, Proc.statusKb(service.pid(), "VmHWM")) / 1024.0)));
    }
    Process second = secondNode;
    if (second != null) {
      second.destroy();
      try {
        if (!second.waitFor(10, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      } catch (InterruptedException ignored) {
        second.destroyForcibly();
      }
      secondNode = null;
    }
    if (service != null) {
      service.destroy();
      try {
        if (!service.waitFor(10, TimeUnit.SECONDS)) {
          service.destroyForcibly();
        }
      } catch (InterruptedException ignored) {
        service.destroyForcibly();
      }
      service = null;
    }
    try {
      if (sampler != null) {
        sampler.close();
      }
      if (db != null) {
        db.close();
        db = null;
      }
      if (!"1".equals(System.getenv("BENCH_KEEP_DB"))) {
        Db.drop(pgHost, pgPort, pgUser, dbName);
      }
    } catch (Exception e) {
      System.out.println("teardown: " + e);
    }
  }

  private void mintTokens() {
    jwt = JWTAuth.create(load.vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    operatorTokens = operatorTokens(db.tenant);
    serviceToken = token("bench-orchestrator", "SERVICE", db.tenant.id());
  }

  /** One OPERATOR token per operator of the tenant, in bench_operator order. */
  private String[] operatorTokens(Db.Tenant tenant) {
    return tenant.operators().stream().map(op -> token(op.toString(), "OPERATOR", tenant.id())).toArray(String[]::new);
  }

  String token(String subject, String role, UUID tenantId) {
    return jwt.generateToken(new JsonObject().put("sub", subject).put("role", role).put("tenant_id", tenantId.toString()),
      new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(4 * 3600));
  }

  // ---------------------------------------------------------------- scenarios

  /** One queue depth: seed, HTTP allocate+resolve, the double-allocation check, pgbench on the same SQL. */
  private JsonObject depth(long q, boolean last) throws Exception {
    System.out.printf("%n== queue depth Q = %,d: seeding%n", q);
    long t = System.nanoTime();
    db.seedQueue(q);
    double seedSeconds = (System.nanoTime() - t) / 1e9;
    System.out.printf("  seeded %,d conversations + VACUUM ANALYZE in %.1f s%n", q, seedSeconds);
    JsonObject row = new JsonObject().put("q", q).put("seedSeconds", Load.round(seedSeconds));

    Map<UUID, UUID> replies = new ConcurrentHashMap<>();
    AtomicLong duplicateReplies = new AtomicLong();
    Result r;
    try (Db.Refill refill = db.new Refill(0)) {
      r = load.run("allocate Q=" + q, List.of(allocators("allocate", 0, ALLOCATORS, replies, duplicateReplies)),
        warmup, duration, progress);
      row.put("refilled", refill.inserted);
    }
    Load.Stats a = r.stats().getOrDefault("allocate", new Load.Stats("allocate"));
    Load.Stats res = r.stats().getOrDefault("resolve", new Load.Stats("resolve"));
    double allocPerSecond = a.ok / r.seconds();
    row.put("http", scenarioJson(r)).put("allocationsPerSecond", Load.round(allocPerSecond))
      .put("p50Ms", Load.round(a.ms(50))).put("p99Ms", Load.round(a.ms(99))).put("p999Ms", Load.round(a.ms(99.9)))
      .put("errors", r.errors()).put("empty204", a.empty).put("cpuCores", r.cores());
    System.out.printf("  allocate: %.0f allocations/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, errors %d, 204 %d;"
      + " resolve p99 %.2f ms%n", allocPerSecond, a.ms(50), a.ms(99), a.ms(99.9), r.errors(), a.empty, res.ms(99));
    noteErrors(r);

    Db.AllocationCheck check = db.checkAllocations(replies, true);
    JsonObject checkJson = checkJson(check).put("duplicateReplies", duplicateReplies.get());
    row.put("allocationCheck", checkJson);
    System.out.printf("  allocation check: %d ALLOCATED events over %d conversations, %d allocated twice,"
        + " %d replies checked (%d without event, %d operator mismatch) -> %s%n", check.allocatedEvents(),
      check.conversations(), check.doubleAllocated(), check.repliesChecked(), check.repliesWithoutEvent(),
      check.operatorMismatch(), check.ok() && duplicateReplies.get() == 0 ? "OK" : "FAILED");
    if (!check.ok() || duplicateReplies.get() > 0) {
      failures.add("allocation check at Q=" + q + ": " + checkJson.encode());
    }

    try (Db.Refill refill = db.new Refill(10_000_000)) {
      JsonObject pg = pgbench("allocate Q=" + q, "allocate_resolve.sql", ALLOCATORS, db.tenant.id(),
        List.of("nops=" + ALLOCATORS, "role=OPERATOR", "resolved=RESOLVED"));
      row.put("pgbench", pg);
      double pgAllocs = pg.getDouble("allocationsPerSecond", 0.0);
      System.out.printf("  pgbench allocate Q=%d: %.0f allocations/s (from domain_event)%n", q, pgAllocs);
      row.put("ratioToPgbench", pgAllocs > 0 ? Load.round(allocPerSecond / pgAllocs) : null);
    }

    if (last) {
      System.out.printf("%n== plans at Q = %,d%n", q);
      List<Explain.Check> checks = Explain.run(db, sql);
      JsonArray plans = new JsonArray();
      for (Explain.Check c : checks) {
        System.out.println("  " + (c.passed() ? "PASS " : "FAIL ") + c.name());
        c.findings().forEach(f -> System.out.println("       " + f));
        plans.add(c.json());
        if (!c.passed() && !smoke) {
          failures.add("plan check: " + c.name() + ": " + c.findings());
        }
      }
      results.put("plans", new JsonObject().put("q", q).put("enforced", !smoke).put("checks", plans));
    }
    return row;
  }

  Group allocators(String name, int firstOperator, int count, Map<UUID, UUID> replies, AtomicLong dup) {
    return new Group(name, count, i -> {
      String token = operatorTokens[firstOperator + i];
      return allocateAndResolve(token, replies, dup);
    });
  }

  Future<?> allocateAndResolve(String token, Map<UUID, UUID> replies, AtomicLong dup) {
    return load.call("allocate", HttpMethod.POST, "/allocation/allocate", token, new JsonObject(), ALLOCATE_OK)
      .compose(resp -> {
        if (resp.statusCode() != 200) {
          return load.sleep(20);
        }
        JsonObject conversation = resp.bodyAsJsonObject();
        UUID id = UUID.fromString(conversation.getString("id"));
        String owner = conversation.getString("assignedOperatorId");
        if (owner != null && replies.putIfAbsent(id, UUID.fromString(owner)) != null) {
          dup.incrementAndGet();
        }
        return load.call("resolve", HttpMethod.POST, "/allocation/resolve", token,
          new JsonObject().put("conversationId", id.toString()), OK).<Void>mapEmpty();
      });
  }

  /**
   * POLLERS clients polling the queue view as the tenant's operators (client i is operator i mod operators), then
   * pgbench running poll.sql for the same tenant and the same client-to-operator mapping.
   */
  private JsonObject poll(String name, Db.Tenant tenant, String[] tokens, long queued) throws Exception {
    String shape = String.format("%s, %,d conversations queued", tenant.shape(), queued);
    System.out.printf("%n== %s: %d clients polling GET %s (%s)%n", name, POLLERS, LIST_QUEUE, shape);
    Result r = load.run(name, List.of(new Group("poll", POLLERS,
      i -> load.call("poll", HttpMethod.GET, LIST_QUEUE, tokens[i % tokens.length], null, OK))),
      warmup, duration, progress);
    Load.Stats s = r.stats().getOrDefault("poll", new Load.Stats("poll"));
    System.out.printf("  %s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %d%n", name, s.total() / r.seconds(),
      s.ms(50), s.ms(99), r.errors());
    noteErrors(r);
    JsonObject pg = pgbench(name, "poll.sql", POLLERS, tenant.id(), List.of("nops=" + Math.min(POLLERS, tokens.length)));
    return versusPgbench(name, r, s, POLLERS, pg).put("shape", shape);
  }

  /** The second poll shape, on a tenant of its own whose queue is seeded now, beside the main tenant's. */
  private JsonObject pollFewInboxes() throws Exception {
    System.out.printf("%n== %s: seeding %,d conversations%n", POLL_FEW_INBOXES, Db.FEW_INBOX_QUEUE);
    db.seedFewInboxQueue();
    return poll(POLL_FEW_INBOXES, db.fewInboxes, operatorTokens(db.fewInboxes), Db.FEW_INBOX_QUEUE);
  }

  private JsonObject ingest(long q) throws Exception {
    System.out.printf("%n== ingest: %d SERVICE clients upserting POST /conversations (70%% updates, 30%% new)%n",
      INGESTERS);
    Result r = load.run("ingest", List.of(new Group("ingest", INGESTERS, i -> upsert(q))), warmup, duration, progress);
    Load.Stats s = r.stats().getOrDefault("upsert", new Load.Stats("upsert"));
    System.out.printf("  ingest: %.0f upserts/s, p50 %.2f ms, p99 %.2f ms, errors %d, codes %s%n",
      s.total() / r.seconds(), s.ms(50), s.ms(99), r.errors(), s.codes);
    noteErrors(r);
    JsonObject pg = pgbench("ingest", "ingest.sql", INGESTERS, db.tenant.id(), List.of("q=" + q,
      "inbox=" + db.tenant.inboxes().get(0), "phone=+5511987654321", "ts=" + Instant.now(), "svc=bench-orchestrator",
      "svcrole=SERVICE"));
    return versusPgbench("ingest", r, s, INGESTERS, pg);
  }

  /** A one-operation scenario's JSON: its rate and latencies, and the rate over pgbench's on the same SQL. */
  private static JsonObject versusPgbench(String name, Result r, Load.Stats s, int clients, JsonObject pg) {
    double rate = s.total() / r.seconds();
    double tps = pg.getDouble("tps", 0.0);
    return scenarioJson(r).put("name", name).put("concurrency", clients).put("perSecond", Load.round(rate))
      .put("p50Ms", Load.round(s.ms(50))).put("p99Ms", Load.round(s.ms(99)))
      .put("pgbench", pg).put("ratioToPgbench", tps > 0 ? Load.round(rate / tps) : null);
  }

  /** The orchestrator's upsert: 70% a new message in an existing conversation, 30% a new conversation. */
  Future<?> upsert(long q) {
    return upsert(q, 70);
  }

  Future<?> upsert(long q, int existingPercent) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    boolean existing = rnd.nextInt(100) < existingPercent;
    String external = existing ? String.valueOf(1 + rnd.nextLong(q)) : "n" + newIds.incrementAndGet();
    JsonObject body = new JsonObject()
      .put("inboxId", db.tenant.inboxes().get(rnd.nextInt(db.tenant.inboxes().size())).toString())
      .put("externalConversationId", external)
      .put("customerPhoneNumber", "+55119" + String.format("%08d", rnd.nextInt(100_000_000)))
      .put("lastMessageAt", Instant.now().toString())
      .put("messageCount", 1 + rnd.nextInt(50));
    return load.call("upsert", HttpMethod.POST, "/conversations", serviceToken, body, UPSERT_OK);
  }

  /**
   * Shift start: agents polling their queue view, agents taking and resolving conversations, the orchestrator
   * upserting incoming messages, and a few agents going OFFLINE and back while holding a conversation.
   */
  private JsonObject mixed(long q) throws Exception {
    System.out.printf("%n== mixed: %d pollers, %d allocators, %d ingest clients, %d status togglers%n", MIXED_POLLERS,
      MIXED_ALLOCATORS, MIXED_INGESTERS, MIXED_STATUS);
    Map<UUID, UUID> replies = new ConcurrentHashMap<>();
    AtomicLong dup = new AtomicLong();
    int statusBase = operatorTokens.length - MIXED_STATUS;
    List<Group> groups = List.of(
      new Group("poll", MIXED_POLLERS, i -> load.call("poll", HttpMethod.GET, LIST_QUEUE,
        operatorTokens[ALLOCATORS + i], null, OK)),
      allocators("allocate", 0, MIXED_ALLOCATORS, replies, dup),
      new Group("ingest", MIXED_INGESTERS, i -> upsert(q)),
      new Group("status", MIXED_STATUS, i -> statusCycle(operatorTokens[statusBase + i], replies, dup)));
    Result r;
    try (Db.Refill refill = db.new Refill(20_000_000)) {
      r = load.run("mixed", groups, warmup, smoke ? duration : duration * 1.5, progress);
    }
    noteErrors(r);
    long total = r.requests();
    JsonObject mix = new JsonObject();
    r.stats().forEach((op, s) -> {
      mix.put(op, Load.round(100.0 * s.total() / Math.max(1, total)));
      System.out.printf("  %-8s %7.0f/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  (%.1f%% of requests)%n", op,
        s.total() / r.seconds(), s.ms(50), s.ms(99), s.errors, 100.0 * s.total() / Math.max(1, total));
    });
    Db.AllocationCheck check = db.checkAllocations(replies, false);
    JsonObject checkJson = checkJson(check).put("duplicateReplies", dup.get());
    System.out.printf("  allocation check (re-allocation after REOPENED/RELEASED allowed): %s%n",
      check.ok() ? "OK" : "FAILED " + check.examples());
    if (!check.ok()) {
      failures.add("allocation check (mixed): " + checkJson.encode());
    }
    return scenarioJson(r).put("name", "mixed").put("requestShares", mix).put("allocationCheck", checkJson);
  }

  private Future<?> statusCycle(String token, Map<UUID, UUID> replies, AtomicLong dup) {
    JsonObject available = new JsonObject().put("status", "AVAILABLE");
    JsonObject offline = new JsonObject().put("status", "OFFLINE");
    return load.call("status", HttpMethod.POST, "/operator-status/me", token, available, OK)
      .compose(x -> load.call("allocate", HttpMethod.POST, "/allocation/allocate", token, new JsonObject(), ALLOCATE_OK))
      .compose(resp -> {
        if (resp.statusCode() != 200) {
          return load.call("status", HttpMethod.POST, "/operator-status/me", token, offline, OK)
            .compose(y -> load.sleep(200));
        }
        String id = resp.bodyAsJsonObject().getString("id");
        String owner = resp.bodyAsJsonObject().getString("assignedOperatorId");
        if (owner != null && replies.putIfAbsent(UUID.fromString(id), UUID.fromString(owner)) != null) {
          dup.incrementAndGet();
        }
        return load.call("status", HttpMethod.POST, "/operator-status/me", token, offline, OK)
          .compose(y -> load.sleep(200))
          .compose(y -> load.call("status", HttpMethod.POST, "/operator-status/me", token, available, OK))
          .compose(y -> load.call("resolve", HttpMethod.POST, "/allocation/resolve", token,
            new JsonObject().put("conversationId", id), OK)).<Void>mapEmpty();
      });
  }

  void noteErrors(Result r) {
    if (r.errors() > 0) {
      failures.add(r.scenario() + ": " + r.errors() + " errors, e.g. " + r.errorSamples().stream().limit(3).toList());
      System.out.println("  errors (samples):");
      r.errorSamples().stream().limit(5).forEach(s -> System.out.println("    " + s));
    }
  }

  static JsonObject scenarioJson(Result r) {
    JsonArray ops = new JsonArray();
    r.stats().values().forEach(s -> ops.add(s.json(r.seconds())));
    return new JsonObject().put("scenario", r.scenario()).put("seconds", Load.round(r.seconds())).put("ops", ops)
      .put("errors", r.errors()).put("errorSamples", new JsonArray(r.errorSamples())).put("cpuCores", r.cores())
      .put("requests", r.requests()).put("serviceCpuUsPerRequest", r.serviceCpuUsPerRequest());
  }

  /**
   * What the run this one replaces (results/latest.json, or smoke.json for a smoke run) measured as service CPU per
   * request, by run label; null when there is no such file or it cannot be read.
   */
  private JsonObject previousRun(Path file) {
    try {
      JsonObject previous = new JsonObject(Files.readString(file));
      return new JsonObject().put("file", repo.relativize(file).toString())
        .put("startedAt", previous.getString("startedAt")).put("mode", previous.getString("mode"))
        .put("serviceCommit", previous.getJsonObject("machine", new JsonObject()).getString("serviceCommit"))
        .put("serviceCpuUsPerRequest", Report.cpuPerRequest(previous));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static JsonObject checkJson(Db.AllocationCheck c) {
    return new JsonObject().put("ok", c.ok()).put("allocatedEvents", c.allocatedEvents())
      .put("conversations", c.conversations()).put("doubleAllocated", c.doubleAllocated())
      .put("repliesChecked", c.repliesChecked()).put("repliesWithoutEvent", c.repliesWithoutEvent())
      .put("operatorMismatch", c.operatorMismatch()).put("examples", new JsonArray(c.examples()));
  }

  // ---------------------------------------------------------------- pgbench

  private JsonObject pgbench(String label, String script, int clients, UUID tenantId, List<String> vars)
    throws Exception {
    List<String> cmd = new ArrayList<>(List.of(pgbenchBinary(), "-n", "-M", "prepared", "-c", String.valueOf(clients),
      "-j", "2", "-T", String.valueOf(Math.max(1, Math.round(pgbenchSeconds))), "-P",
      String.valueOf((int) Math.max(1, progress)), "-h", pgHost, "-p", String.valueOf(pgPort), "-U", pgUser,
      "-D", "tenant=" + tenantId));
    for (String v : vars) {
      cmd.add("-D");
      cmd.add(v);
    }
    cmd.add("-f");
    cmd.add(benchDir.resolve("pgbench").resolve(script).toString());
    cmd.add(dbName);
    System.out.printf("  pgbench %s: %s, %d clients, %.0f s%n", label, script, clients, pgbenchSeconds);
    long eventsBefore = db.lastEventId();
    sampler.window();
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.append(line).append('\n');
        if (line.startsWith("progress:") || line.contains("error") || line.contains("ERROR")
          || line.contains("aborted")) {
          System.out.println("  [pgbench " + label + "] " + line);
        }
      }
    }
    int rc = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    JsonObject cores = sampler.cores();
    Map<String, Long> events = db.eventsSince(eventsBefore);
    String text = out.toString();
    JsonObject json = new JsonObject().put("script", "bench/pgbench/" + script).put("clients", clients)
      .put("exitCode", rc).put("cpuCores", cores).put("events", new JsonObject(new java.util.LinkedHashMap<>(events)));
    // what the transactions really did: an allocate cycle that found nothing would count as a transaction too
    double measured = number(text, "duration: (\\d+) s") == null ? wall : number(text, "duration: (\\d+) s");
    json.put("allocationsPerSecond", Load.round(events.getOrDefault("ALLOCATED", 0L) / measured))
      .put("createdPerSecond", Load.round(events.getOrDefault("CREATED", 0L) / measured));
    Double tps = number(text, "tps = ([\\d.]+) \\(without initial connection time\\)");
    json.put("tps", tps == null ? 0.0 : Load.round(tps));
    json.put("latencyAvgMs", number(text, "latency average = ([\\d.]+) ms"));
    Double done = number(text, "number of transactions actually processed: (\\d+)");
    json.put("transactions", done == null ? null : done.longValue());
    Double failed = number(text, "number of failed transactions: (\\d+)");
    json.put("failedTransactions", failed == null ? 0 : failed.longValue());
    System.out.printf("  pgbench %s: %.0f tps, latency avg %s ms (exit %d)%n", label, tps == null ? 0 : tps,
      json.getValue("latencyAvgMs"), rc);
    if (rc != 0 || tps == null || (failed != null && failed > 0)) {
      String tail = text.lines().filter(l -> !l.startsWith("progress:")).reduce("", (a, b) -> a + b + "\n");
      json.put("output", tail.length() > 2000 ? tail.substring(tail.length() - 2000) : tail);
      failures.add("pgbench " + label + " failed (exit " + rc + "): " + json.getString("output"));
      System.out.println(tail);
    }
    return json;
  }

  private static String pgbenchBinary() {
    for (String candidate : List.of("/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench")) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    return "pgbench";
  }

  private static Double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }

  // ---------------------------------------------------------------- machine and targets

  private JsonObject machine() throws Exception {
    String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
      .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    return new JsonObject()
      .put("nproc", Runtime.getRuntime().availableProcessors())
      .put("cpu", cpu)
      .put("memory", mem)
      .put("java", command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version"))
      .put("postgres", db.scalar("SELECT version()"))
      .put("pgbench", command(pgbenchBinary(), "--version"))
      .put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim())
      .put("serviceCommit", command("git", "-C", repo.toString(), "rev-parse", "--short", "HEAD"))
      .put("serviceUncommittedFiles", rawCommand("git", "-C", repo.toString(), "status", "--porcelain", "--", "src/main",
        "pom.xml", "openapi.yaml").lines().filter(l -> !l.isBlank()).count());
  }

  private static String command(String... cmd) {
    return rawCommand(cmd).replace('\n', ' ');
  }

  static String rawCommand(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return out;
    } catch (Exception e) {
      return "?";
    }
  }

  private JsonArray targets() {
    JsonArray t = new JsonArray();
    JsonObject startup = results.getJsonObject("startup");
    if (startup != null) {
      t.add(target("start-up: healthy within 3 s", startup.getDouble("healthyMs") + " ms",
        startup.getDouble("healthyMs") <= 3000));
    }
    JsonObject rss = results.getJsonObject("serviceRss");
    if (rss != null) {
      double peak = Math.max(rss.getDouble("vmHwmMb", 0.0), rss.getDouble("peakVmRssMb", 0.0));
      t.add(target("service peak RSS (VmHWM) <= 350 MB", peak + " MB", peak <= 350));
    }
    JsonArray depthRows = results.getJsonArray("queueDepth");
    if (depthRows != null && !depthRows.isEmpty()) {
      JsonObject first = depthRows.getJsonObject(0);
      JsonObject last = depthRows.getJsonObject(depthRows.size() - 1);
      if (depthRows.size() > 1) {
        double ratio = last.getDouble("p99Ms") / Math.max(0.001, first.getDouble("p99Ms"));
        t.add(target(String.format("allocate p99 at Q=%,d <= 1.5x p99 at Q=%,d", last.getLong("q"), first.getLong("q")),
          String.format("%.2f ms vs %.2f ms (%.2fx)", last.getDouble("p99Ms"), first.getDouble("p99Ms"), ratio),
          ratio <= 1.5));
      }
      t.add(ratioTarget(String.format("allocate throughput >= %sx pgbench (Q=%,d)", ALLOCATE_MIN_RATIO,
        last.getLong("q")), last.getDouble("ratioToPgbench"), ALLOCATE_MIN_RATIO));
    }
    for (Object o : results.getJsonArray("scenarios", new JsonArray())) {
      JsonObject s = (JsonObject) o;
      String name = s.getString("name");
      if ("poll".equals(name)) {
        t.add(target("poll p99 <= 25 ms", s.getDouble("p99Ms") + " ms", s.getDouble("p99Ms") <= 25));
      }
      Double min = MIN_RATIO.get(name);
      if (min != null) {
        t.add(ratioTarget(name + " throughput >= " + min + "x pgbench", s.getDouble("ratioToPgbench"), min));
      }
    }
    FeedBench.targets(results).forEach(t::add);
    PushShift.targets(results).forEach(t::add);
    WebhookBench.targets(results).forEach(t::add);
    JsonObject plans = results.getJsonObject("plans");
    if (plans != null) {
      boolean all = plans.getJsonArray("checks").stream().allMatch(c -> ((JsonObject) c).getBoolean("passed"));
      t.add(target(String.format("plans at Q=%,d use the queue indexes, no walk past claimed rows", plans.getLong("q")),
        all ? "all pass" : "see plans", all));
    }
    return t;
  }

  static JsonObject target(String name, String figure, boolean met) {
    return new JsonObject().put("target", name).put("figure", figure).put("met", met);
  }

  private static JsonObject ratioTarget(String name, Double ratio, double min) {
    return target(name, ratio == null ? "n/a" : ratio + "x", ratio != null && ratio >= min);
  }

  /** A setup call's answer; anything but a 2xx within 30 s fails the scenario. */
  static HttpResponse<Buffer> await(Future<HttpResponse<Buffer>> f, String what) throws Exception {
    HttpResponse<Buffer> resp = f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (resp.statusCode() / 100 != 2) {
      throw new IllegalStateException(what + " answered " + resp.statusCode() + ": " + resp.bodyAsString());
    }
    return resp;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
