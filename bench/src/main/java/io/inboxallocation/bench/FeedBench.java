package io.inboxallocation.bench;

import io.inboxallocation.bench.Load.Group;
import io.inboxallocation.bench.Load.Result;
import io.inboxallocation.bench.Sockets.Sock;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The event-feed scenarios (issue 8), run after the others on the same database:
 * <ul>
 *   <li><b>conditional poll</b>: 256 clients polling the operators' queue view, first plainly, then with
 *   {@code If-None-Match}, while one ingest upsert per second changes the tenant through the same node;</li>
 *   <li><b>push</b>: a second service node; WebSockets on it (managers: every event of the tenant) while commands at a
 *   fixed rate go through the first node; commit-to-frame latency and an exactly-once check against domain_event;</li>
 *   <li><b>idle sockets</b>: thousands of subscribed, idle WebSockets on the second node, and its RSS;</li>
 *   <li><b>versus the previous full run</b>: allocate and ingest of this run against the committed
 *   bench/results/latest.json.</li>
 * </ul>
 * Figures go to {@code results.feed} (and the two poll runs to {@code results.scenarios}); targets to the report's table.
 */
final class FeedBench {

  static final int CONDITIONAL_POLLERS = 256;
  static final double CONDITIONAL_MIN_PER_SECOND = 5_000;
  static final double CONDITIONAL_MIN_RATIO = 10;
  static final double CONDITIONAL_MAX_P99_MS = 25;
  /**
   * The offered rate of the paced conditional run: three times the throughput target (and over ten times the full
   * poll). The flat-out run measures how many
   * polls the node can answer; its p99 is then mostly queueing on two shared cores (load generator included). The
   * paced run measures the latency a poller sees at a rate well above the target, as agent screens poll on a timer.
   */
  static final double CONDITIONAL_PACED_PER_SECOND = 15_000;
  static final double PUSH_MAX_P99_MS = 100;
  static final double IDLE_MAX_RSS_MIB = 512;
  static final double PREVIOUS_RUN_TOLERANCE = 0.05;
  /** MANAGER operators seeded for the sockets (each sees every event of the tenant); socket i is manager i mod this. */
  static final int MANAGERS = 20;
  /** Push writers: ingest upserts (3/4 of the commands) and allocate+resolve cycles (1/4), each client paced. */
  static final int PUSH_UPSERTERS = 12;
  static final int PUSH_ALLOCATORS = 4;
  /** Handshakes + subscriptions in flight at once while opening sockets. */
  static final int OPEN_IN_FLIGHT = 256;

  static final String FULL_POLL = "poll " + CONDITIONAL_POLLERS + " (full)";
  static final String CONDITIONAL_POLL = "poll " + CONDITIONAL_POLLERS + " (If-None-Match)";
  private static final Set<Integer> POLL_OK = Set.of(200, 304);

  private final Bench b;
  private final int pushSockets;
  private final int pushRate;
  private final int idleSockets;
  private final double idleHold;
  private List<String> managerTokens;

  FeedBench(Bench bench) {
    this.b = bench;
    this.pushSockets = Integer.parseInt(Bench.env("BENCH_PUSH_SOCKETS", b.smoke ? "200" : "2000"));
    // Every socket belongs to a manager and sees every event: 20 commands/s (about 26 events) to 2,000 sockets is
    // about 50,000 frames/s that node B writes and the harness reads on the same two cores. At 200 commands/s (half a
    // million frames/s) both were saturated and the run measured nothing but queues.
    this.pushRate = Integer.parseInt(Bench.env("BENCH_PUSH_RATE", b.smoke ? "50" : "20"));
    this.idleSockets = Integer.parseInt(Bench.env("BENCH_IDLE_SOCKETS", b.smoke ? "1000" : "10000"));
    this.idleHold = b.smoke ? 2 : 10;
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Runs every feed scenario; one that breaks is a failure of the run, and the next ones still run. */
  void run(long q, JsonArray scenarios) {
    JsonObject feed = new JsonObject();
    b.results.put("feed", feed);
    feed.put("versusPreviousFullRun", versusPreviousFullRun());
    attempt("conditional poll", () -> feed.put("conditionalPoll", conditionalPoll(q, scenarios)));
    attempt("second node", () -> secondNode(q, feed));
  }

  private void attempt(String name, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      e.printStackTrace(System.out);
      b.failures.add("harness (" + name + "): " + e);
    }
  }

  // ---------------------------------------------------------------- conditional poll

  /**
   * The same 256 clients (client i is operator i mod 200 of the main tenant) polling the queue view twice, each run a
   * warm-up then the measured window: plainly, then conditionally (each client sends the last ETag it got and takes
   * the new one from each 200). One writer upserts an existing conversation through the same node once a second in
   * both runs, so the tenant's version moves and every client gets a fresh 200 after each write.
   */
  private JsonObject conditionalPoll(long q, JsonArray scenarios) throws Exception {
    String[] tokens = b.operatorTokens;
    System.out.printf("%n== conditional poll: %d clients polling GET %s as the main tenant's operators, one ingest upsert"
      + " per second through the same node; first without If-None-Match, then with%n", CONDITIONAL_POLLERS, Bench.LIST_QUEUE);
    Result plain = b.load.run(FULL_POLL, List.of(new Group("poll", CONDITIONAL_POLLERS,
      i -> b.load.call("poll", HttpMethod.GET, Bench.LIST_QUEUE, tokens[i % tokens.length], null, Bench.OK)),
      oneWritePerSecond(q)), b.warmup, b.duration, b.progress);
    b.noteErrors(plain);
    Load.Stats full = plain.stats().getOrDefault("poll", new Load.Stats("poll"));
    double fullRate = full.total() / plain.seconds();
    System.out.printf("  full poll: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %d%n", fullRate, full.ms(50),
      full.ms(99), plain.errors());

    String[] etags = new String[CONDITIONAL_POLLERS];
    long[] untagged = new long[1];
    Result conditional = b.load.run(CONDITIONAL_POLL, List.of(new Group("poll", CONDITIONAL_POLLERS, i -> {
      String tag = etags[i];
      boolean counted = b.load.measuring();
      return b.load.call("poll", HttpMethod.GET, Bench.LIST_QUEUE, tokens[i % tokens.length], null, POLL_OK,
        tag == null ? null : Map.of("If-None-Match", tag)).onSuccess(resp -> {
          if (resp.statusCode() == 200) {
            etags[i] = resp.getHeader("ETag");
            if (etags[i] == null && counted) {
              untagged[0]++;
            }
          }
        });
    }), oneWritePerSecond(q)), b.warmup, b.duration, b.progress);
    b.noteErrors(conditional);
    JsonObject paced = pacedConditionalPoll(q, tokens, etags);
    Load.Stats s = conditional.stats().getOrDefault("poll", new Load.Stats("poll"));
    Load.Stats writes = conditional.stats().getOrDefault("upsert", new Load.Stats("upsert"));
    double rate = s.total() / conditional.seconds();
    long notModified = s.codes.getOrDefault(304, 0L);
    double share304 = s.total() == 0 ? 0 : (double) notModified / s.total();
    double ratio = fullRate > 0 ? rate / fullRate : 0;
    System.out.printf("  conditional poll: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, 304 %.1f%%, 200 without ETag %d,"
        + " errors %d, writes %d (%.0f full reads per write); %.1fx the full poll%n", rate, s.ms(50), s.ms(99),
      100 * share304, untagged[0], conditional.errors(), writes.total(),
      writes.total() == 0 ? 0.0 : (double) s.codes.getOrDefault(200, 0L) / writes.total(), ratio);

    scenarios.add(pollJson(plain, FULL_POLL, full, fullRate));
    scenarios.add(pollJson(conditional, CONDITIONAL_POLL, s, rate));
    return new JsonObject().put("clients", CONDITIONAL_POLLERS).put("uri", Bench.LIST_QUEUE)
      .put("callers", "the main tenant's operators (client i is operator i mod " + tokens.length + ")")
      .put("writer", "one ingest upsert of an existing conversation per second, SERVICE token, same node")
      .put("perSecond", Load.round(rate)).put("p50Ms", Load.round(s.ms(50))).put("p99Ms", Load.round(s.ms(99)))
      .put("p999Ms", Load.round(s.ms(99.9))).put("share304", Load.round(share304 * 100) / 100)
      .put("notModified", notModified).put("untagged200", untagged[0]).put("writes", writes.total())
      .put("fullReadsPerWrite", writes.total() == 0 ? null
        : Load.round((double) s.codes.getOrDefault(200, 0L) / writes.total()))
      .put("errors", conditional.errors())
      .put("fullPerSecond", Load.round(fullRate)).put("fullP50Ms", Load.round(full.ms(50)))
      .put("fullP99Ms", Load.round(full.ms(99))).put("fullErrors", plain.errors())
      .put("ratioToFullPoll", Load.round(ratio))
      .put("serviceCpuUsPerRequest", conditional.serviceCpuUsPerRequest())
      .put("fullServiceCpuUsPerRequest", plain.serviceCpuUsPerRequest())
      .put("paced", paced);
  }

  /**
   * The same clients and writer, each client polling on a timer (256 clients at {@link #CONDITIONAL_PACED_PER_SECOND}
   * in all: one poll every 17 ms each). Latency is of the requests only, not of the waits between them.
   */
  private JsonObject pacedConditionalPoll(long q, String[] tokens, String[] etags) throws Exception {
    long periodNanos = (long) (CONDITIONAL_POLLERS * 1e9 / CONDITIONAL_PACED_PER_SECOND);
    Result paced = b.load.run(CONDITIONAL_POLL + " paced", List.of(new Group("poll", CONDITIONAL_POLLERS, i -> {
      long start = System.nanoTime();
      String tag = etags[i];
      return b.load.call("poll", HttpMethod.GET, Bench.LIST_QUEUE, tokens[i % tokens.length], null, POLL_OK,
          tag == null ? null : Map.of("If-None-Match", tag))
        .onSuccess(resp -> {
          if (resp.statusCode() == 200) {
            etags[i] = resp.getHeader("ETag");
          }
        })
        .transform(done -> b.load.sleep((periodNanos - (System.nanoTime() - start)) / 1_000_000));
    }), oneWritePerSecond(q)), b.warmup, b.duration, b.progress);
    b.noteErrors(paced);
    Load.Stats s = paced.stats().getOrDefault("poll", new Load.Stats("poll"));
    double rate = s.total() / paced.seconds();
    System.out.printf("  conditional poll, paced at %,.0f/s offered: %.0f requests/s, p50 %.2f ms, p99 %.2f ms,"
        + " p99.9 %.2f ms, errors %d%n", CONDITIONAL_PACED_PER_SECOND, rate, s.ms(50), s.ms(99), s.ms(99.9),
      paced.errors());
    return new JsonObject().put("offeredPerSecond", CONDITIONAL_PACED_PER_SECOND).put("perSecond", Load.round(rate))
      .put("p50Ms", Load.round(s.ms(50))).put("p99Ms", Load.round(s.ms(99))).put("p999Ms", Load.round(s.ms(99.9)))
      .put("errors", paced.errors()).put("serviceCpuUsPerRequest", paced.serviceCpuUsPerRequest());
  }

  private static JsonObject pollJson(Result r, String name, Load.Stats s, double rate) {
    return Bench.scenarioJson(r).put("name", name).put("concurrency", CONDITIONAL_POLLERS + " + 1 writer")
      .put("perSecond", Load.round(rate)).put("p50Ms", Load.round(s.ms(50))).put("p99Ms", Load.round(s.ms(99)));
  }

  /** One client: an upsert of an existing conversation, then the rest of the second. */
  private Group oneWritePerSecond(long q) {
    return new Group("upsert", 1, i -> {
      long start = System.nanoTime();
      return upsertExisting(q, null)
        .compose(x -> b.load.sleep(Math.max(1, 1000 - (System.nanoTime() - start) / 1_000_000)));
    });
  }

  /** POST /conversations for an existing external id ('1'..'q'): 200, an UPDATED event (or a REOPENED one). */
  private Future<?> upsertExisting(long q, Map<String, Long> responses) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    List<UUID> inboxes = b.db.tenant.inboxes();
    JsonObject body = new JsonObject()
      .put("inboxId", inboxes.get(rnd.nextInt(inboxes.size())).toString())
      .put("externalConversationId", String.valueOf(1 + rnd.nextLong(q)))
      .put("customerPhoneNumber", "+55119" + String.format("%08d", rnd.nextInt(100_000_000)))
      .put("lastMessageAt", Instant.now().toString())
      .put("messageCount", 1 + rnd.nextInt(50));
    return b.load.call("upsert", HttpMethod.POST, "/conversations", b.serviceToken, body, Bench.UPSERT_OK)
      .onSuccess(resp -> noteResponse(responses, resp));
  }

  /** POST /allocation/allocate then, when it got one, POST /allocation/resolve of it: ALLOCATED + RESOLVED events. */
  private Future<?> allocateAndResolve(String token, Map<String, Long> responses) {
    return b.load.call("allocate", HttpMethod.POST, "/allocation/allocate", token, new JsonObject(), Bench.ALLOCATE_OK)
      .compose(resp -> {
        if (resp.statusCode() != 200) {
          return Future.succeededFuture();
        }
        noteResponse(responses, resp);
        String id = resp.bodyAsJsonObject().getString("id");
        return b.load.call("resolve", HttpMethod.POST, "/allocation/resolve", token,
          new JsonObject().put("conversationId", id), Bench.OK).onSuccess(r -> noteResponse(responses, r));
      });
  }

  /**
   * When the writer's response arrived, by conversation id and its updatedAt: the response body is the conversation as
   * the command's event recorded it, so the key finds that event in domain_event (conversation ->> 'updatedAt').
   */
  private static void noteResponse(Map<String, Long> responses, HttpResponse<Buffer> resp) {
    if (responses == null || resp.statusCode() / 100 != 2) {
      return;
    }
    long now = System.nanoTime();
    try {
      JsonObject c = resp.bodyAsJsonObject();
      responses.putIfAbsent(c.getString("id") + "|" + c.getString("updatedAt"), now);
    } catch (RuntimeException ignored) {
      // not a conversation: no match, the occurredAt figure still counts
    }
  }

  // ---------------------------------------------------------------- second node: push, idle sockets

  private void secondNode(long q, JsonObject feed) throws Exception {
    List<UUID> managers = b.db.seedManagers(MANAGERS);
    managerTokens = managers.stream().map(id -> b.token(id.toString(), "MANAGER", b.db.tenant.id())).toList();
    System.out.printf("%n== second service node (same database and environment, its own port)%n");
    Bench.Node node = b.startNode("second service node", b.benchDir.resolve("results/service-b.log"),
      p -> b.secondNode = p);
    JsonObject nodeJson = new JsonObject().put("healthyMs", Load.round(node.healthyMs()))
      .put("rssAtHealthyMb", Load.round(node.rssAtHealthyKb() / 1024.0)).put("javaOpts", node.javaOpts());
    feed.put("secondNode", nodeJson);
    System.out.printf("  node B pid %d on port %d: healthy after %.0f ms (node A: port %d)%n", node.process().pid(),
      node.port(), node.healthyMs(), b.httpPort);
    try {
      attempt("push", () -> feed.put("push", push(node, q)));
      attempt("idle sockets", () -> feed.put("idleSockets", idle(node)));
      nodeJson.put("vmHwmMb", Load.round(Math.max(node.sampler().hwmKb,
        Proc.statusKb(node.process().pid(), "VmHWM")) / 1024.0));
    } finally {
      Process p = node.process();
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      b.secondNode = null;
      node.sampler().close();
    }
  }

  /** The feed's head as GET /events (no cursor) on node A answers it. */
  private long headCursor() throws Exception {
    HttpResponse<Buffer> resp = b.load.call("events", HttpMethod.GET, "/events", b.serviceToken, null, Bench.OK)
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("GET /events answered " + resp.statusCode() + ": " + resp.bodyAsString());
    }
    return Long.parseLong(resp.bodyAsJsonObject().getString("nextCursor"));
  }

  /**
   * Sockets on node B subscribed after the current head H0, then commands at a fixed rate through node A for the
   * warm-up and the measured window; then, once every event is numbered and the sockets have caught up, the events of
   * the tenant in (H0, Hend] from domain_event against what each socket received.
   */
  private JsonObject push(Bench.Node node, long q) throws Exception {
    System.out.printf("%n== push: %d WebSockets on node B as %d managers; %d commands/s through node A (3/4 ingest"
      + " upserts by %d clients, 1/4 allocate+resolve by %d operators)%n", pushSockets, MANAGERS, pushRate,
      PUSH_UPSERTERS, PUSH_ALLOCATORS);
    long h0 = headCursor();
    UUID tenant = b.db.tenant.id();
    Map<String, Long> responses = new ConcurrentHashMap<>();
    try (Sockets sockets = new Sockets(node.port(), pushSockets + 64)) {
      long t = System.nanoTime();
      List<Sock> socks = sockets.open(pushSockets, i -> managerTokens.get(i % managerTokens.size()),
        String.valueOf(h0), h0, true, OPEN_IN_FLIGHT, 120);
      double connectSeconds = (System.nanoTime() - t) / 1e9;
      List<Sock> subscribed = socks.stream().filter(Sock::subscribed).toList();
      System.out.printf("  %d of %d sockets subscribed after cursor %d in %.1f s%n", subscribed.size(), pushSockets, h0,
        connectSeconds);

      long[] windowStart = new long[1];
      Result r = b.load.run("push", pushWriters(q, responses), b.warmup, b.duration, b.progress, () -> {
        node.sampler().window();
        windowStart[0] = System.nanoTime();
      });
      JsonObject nodeBCores = node.sampler().cores();
      b.noteErrors(r);
      long windowEnd = windowStart[0] + (long) (r.seconds() * 1e9);

      // Drain: every committed event numbered, then every socket at the tenant's last position (or 10 s).
      boolean sequenced = b.db.awaitSequenced(10_000);
      long hEnd = b.db.lastPosition(tenant, h0);
      long drainStart = System.nanoTime();
      while (System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(10)
        && subscribed.stream().anyMatch(s -> s.open() && s.lastPosition() < hEnd)) {
        Thread.sleep(50);
      }
      double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      List<Db.FeedRow> rows = b.db.feedEvents(tenant, h0, hEnd);
      JsonObject out = deliveryCheck(sockets, subscribed, rows, h0, hEnd, responses, windowStart[0], windowEnd);

      double commands = 0;
      for (Load.Stats s : r.stats().values()) {
        commands += s.total();
      }
      List<String> problems = new ArrayList<>();
      for (Sock s : socks) {
        String p = s.problem();
        if (p != null && problems.size() < 10) {
          problems.add(p);
        }
      }
      long failedSockets = socks.stream().filter(s -> s.problem() != null).count() + (pushSockets - socks.size());
      out.put("sockets", pushSockets).put("subscribed", subscribed.size()).put("failedSockets", failedSockets)
        .put("socketProblems", new JsonArray(problems)).put("connectSeconds", Load.round(connectSeconds))
        .put("managers", MANAGERS).put("targetCommandsPerSecond", pushRate)
        .put("commandsPerSecond", Load.round(commands / r.seconds())).put("seconds", Load.round(r.seconds()))
        .put("fromCursor", String.valueOf(h0)).put("toCursor", String.valueOf(hEnd)).put("allSequenced", sequenced)
        .put("drainSeconds", Load.round(drainSeconds)).put("writers", Bench.scenarioJson(r))
        .put("cpuCores", r.cores()).put("nodeBCores", nodeBCores)
        .put("nodeBRssPeakMb", Load.round(nodeBCores.getDouble("serviceRssPeakMb", 0.0)));
      JsonObject upper = out.getJsonObject("fromOccurredAt");
      JsonObject lower = out.getJsonObject("fromWriterResponse");
      System.out.printf("  push: %d events (%.0f commands/s), %d frames to %d sockets (%.0f frames/s); missed %d,"
          + " duplicated %d, unexpected %d%n", out.getLong("events"), commands / r.seconds(), out.getLong("framesReceived"),
        subscribed.size(), out.getDouble("framesPerSecond"), out.getLong("missed"), out.getLong("duplicated"),
        out.getLong("unexpected"));
      System.out.printf("  commit-to-frame: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms from occurredAt"
          + " (upper bound); p50 %.2f ms, p99 %.2f ms from the writer's response (lower bound, %d of %d events matched,"
          + " %d frames before the response)%n", upper.getDouble("p50Ms"), upper.getDouble("p99Ms"),
        upper.getDouble("p999Ms"), upper.getDouble("maxMs"), lower.getDouble("p50Ms"), lower.getDouble("p99Ms"),
        out.getLong("eventsMatched"), out.getLong("events"), out.getLong("framesBeforeResponse"));
      System.out.printf("  CPU (cores): node A %.2f, node B %.2f, PostgreSQL %.2f, harness %.2f; node B RSS peak %.0f MB%n",
        r.cores().getDouble("service"), nodeBCores.getDouble("service"), r.cores().getDouble("postgres"),
        r.cores().getDouble("harness"), nodeBCores.getDouble("serviceRssPeakMb"));
      boolean delivered = out.getLong("missed") == 0 && out.getLong("duplicated") == 0 && out.getLong("unexpected") == 0
        && out.getLong("resyncs") == 0;
      out.put("deliveryOk", delivered);
      if (!delivered) {
        b.failures.add("push delivery check: " + out.getLong("missed") + " missed, " + out.getLong("duplicated")
          + " duplicated, " + out.getLong("unexpected") + " unexpected frames, " + out.getLong("resyncs") + " resyncs; e.g. "
          + out.getJsonArray("examples"));
      }
      if (failedSockets > 0) {
        b.failures.add("push: " + failedSockets + " of " + pushSockets + " sockets failed, e.g. " + problems);
      }
      if (!sequenced) {
        b.failures.add("push: events still without a feed position 10 s after the writers stopped");
      }
      return out;
    }
  }

  private List<Group> pushWriters(long q, Map<String, Long> responses) {
    double upsertRate = pushRate * 0.75;
    double allocateRate = pushRate - upsertRate;
    // an allocate+resolve cycle is two commands
    long upsertSlot = (long) (1e9 * PUSH_UPSERTERS / upsertRate);
    long allocateSlot = (long) (1e9 * PUSH_ALLOCATORS * 2 / allocateRate);
    return List.of(paced("upsert", PUSH_UPSERTERS, upsertSlot, i -> upsertExisting(q, responses)),
      paced("allocate", PUSH_ALLOCATORS, allocateSlot, i -> allocateAndResolve(b.operatorTokens[i], responses)));
  }

  /**
   * {@code clients} clients, each firing {@code command} once per slot on a fixed schedule (staggered starts); a client
   * whose command outlasts its slot fires the next one at once, and one that fell a whole slot behind does not burst.
   */
  private Group paced(String name, int clients, long slotNanos, IntFunction<Future<?>> command) {
    long[] due = new long[clients];
    return new Group(name, clients, i -> {
      long now = System.nanoTime();
      if (due[i] == 0) {
        due[i] = now + slotNanos * i / clients;
      } else if (due[i] < now - slotNanos) {
        due[i] = now;
      }
      long at = due[i];
      due[i] += slotNanos;
      long waitMs = (at - now) / 1_000_000;
      Future<?> go = waitMs > 0 ? b.load.sleep(waitMs) : Future.succeededFuture();
      return go.compose(x -> command.apply(i));
    });
  }

  /**
   * Each subscribed socket against the tenant's events in (h0, hEnd]: missed (an event it never got), duplicated (got
   * twice), unexpected (a position that is not an event of the tenant in that range, e.g. another tenant's, or at or
   * before its cursor). Latency per frame, for events that occurred in the measured window: receive time minus
   * occurredAt (the event's transaction start: an upper bound of commit-to-frame), and receive time minus the arrival
   * of the writer's HTTP response (after the commit: a lower bound).
   */
  private static JsonObject deliveryCheck(Sockets sockets, List<Sock> socks, List<Db.FeedRow> rows, long h0, long hEnd,
                                          Map<String, Long> responses, long windowStartNanos, long windowEndNanos) {
    int span = (int) Math.max(0, hEnd - h0);
    BitSet expected = new BitSet(span + 1);
    long[] occurred = new long[span + 1];
    long[] response = new long[span + 1];
    Map<String, Long> byType = new HashMap<>();
    long matched = 0;
    for (Db.FeedRow row : rows) {
      int off = (int) (row.position() - h0);
      expected.set(off);
      occurred[off] = row.occurredAtMicros();
      byType.merge(row.type(), 1L, Long::sum);
      Long at = row.conversationKey() == null ? null : responses.get(row.conversationKey());
      if (at != null) {
        response[off] = at;
        matched++;
      }
    }
    long windowStartWall = sockets.wallMicros((int) ((windowStartNanos - sockets.t0Nanos) / 1_000));
    long windowEndWall = sockets.wallMicros((int) ((windowEndNanos - sockets.t0Nanos) / 1_000));
    long measuredEvents = 0;
    for (Db.FeedRow row : rows) {
      if (row.occurredAtMicros() >= windowStartWall && row.occurredAtMicros() <= windowEndWall) {
        measuredEvents++;
      }
    }
    Histogram upper = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    Histogram lower = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long received = 0;
    long missed = 0;
    long duplicated = 0;
    long unexpected = 0;
    long inWindow = 0;
    long beforeResponse = 0;
    long resyncs = 0;
    long socketsWithProblems = 0;
    List<String> examples = new ArrayList<>();
    for (Sock sock : socks) {
      int[][] rec = sock.recorded();
      int[] offsets = rec[0];
      int[] micros = rec[1];
      BitSet seen = new BitSet(span + 1);
      long dup = 0;
      long unexp = 0;
      for (int k = 0; k < offsets.length; k++) {
        int off = offsets[k];
        if (off > span) {
          continue; // after the range the check covers (an event made after the writers stopped)
        }
        received++;
        if (off <= 0 || !expected.get(off)) {
          unexp++;
          continue;
        }
        if (seen.get(off)) {
          dup++;
          continue;
        }
        seen.set(off);
        if (occurred[off] < windowStartWall || occurred[off] > windowEndWall) {
          continue;
        }
        inWindow++;
        long upperMicros = sockets.wallMicros(micros[k]) - occurred[off];
        upper.recordValue(Math.max(0, Math.min(upperMicros, upper.getHighestTrackableValue())));
        if (response[off] != 0) {
          long lowerMicros = (sockets.t0Nanos + micros[k] * 1_000L - response[off]) / 1_000;
          if (lowerMicros < 0) {
            beforeResponse++;
          }
          lower.recordValue(Math.max(0, Math.min(lowerMicros, lower.getHighestTrackableValue())));
        }
      }
      BitSet miss = (BitSet) expected.clone();
      miss.andNot(seen);
      long m = miss.cardinality();
      int resynced;
      synchronized (sock) {
        resynced = sock.resyncs;
      }
      missed += m;
      duplicated += dup;
      unexpected += unexp;
      resyncs += resynced;
      if (m + dup + unexp + resynced > 0) {
        socketsWithProblems++;
        if (examples.size() < 5) {
          examples.add("socket " + sock.index + ": " + m + " missed (first at position "
            + (m > 0 ? h0 + miss.nextSetBit(0) : "-") + "), " + dup + " duplicated, " + unexp + " unexpected, "
            + resynced + " resyncs");
        }
      }
    }
    double seconds = Math.max(1e-9, (windowEndNanos - windowStartNanos) / 1e9);
    return new JsonObject().put("events", (long) rows.size()).put("eventsByType", new JsonObject(new HashMap<>(byType)))
      .put("eventsInWindow", measuredEvents).put("eventsMatched", matched)
      .put("framesExpected", (long) rows.size() * socks.size()).put("framesReceived", received)
      .put("framesInWindow", inWindow).put("framesPerSecond", Load.round(inWindow / seconds))
      .put("missed", missed).put("duplicated", duplicated).put("unexpected", unexpected).put("resyncs", resyncs)
      .put("socketsWithProblems", socketsWithProblems).put("examples", new JsonArray(examples))
      .put("fromOccurredAt", Load.histogram(upper)).put("fromWriterResponse", Load.histogram(lower))
      .put("framesBeforeResponse", beforeResponse);
  }

  /**
   * Sockets on node B (after the push sockets are closed), each subscribed from the head, then left idle: the node's
   * RSS (the sampler's peak over opening and holding them, and at the end), and whether every socket stayed open.
   */
  private JsonObject idle(Bench.Node node) throws Exception {
    System.out.printf("%n== idle sockets: %,d WebSockets on node B, subscribed, then idle for %.0f s%n", idleSockets,
      idleHold);
    long pid = node.process().pid();
    long before = Proc.statusKb(pid, "VmRSS");
    node.sampler().window();
    try (Sockets sockets = new Sockets(node.port(), idleSockets + 64)) {
      long t = System.nanoTime();
      List<Sock> socks = sockets.open(idleSockets, i -> managerTokens.get(i % managerTokens.size()), null, 0, false,
        OPEN_IN_FLIGHT, 300);
      double connectSeconds = (System.nanoTime() - t) / 1e9;
      long subscribed = socks.stream().filter(Sock::subscribed).count();
      System.out.printf("  %,d of %,d sockets subscribed in %.1f s (node B RSS %.0f MiB, before %.0f MiB)%n", subscribed,
        idleSockets, connectSeconds, Proc.statusKb(pid, "VmRSS") / 1024.0, before / 1024.0);
      long holdStart = System.nanoTime();
      long holdEnd = holdStart + (long) (idleHold * 1e9);
      while (System.nanoTime() < holdEnd) {
        Thread.sleep(Math.min((long) (b.progress * 1000), (holdEnd - System.nanoTime()) / 1_000_000 + 1));
        System.out.printf("  [idle sockets] %5.1fs  open=%d  node B RSS %.0f MiB%n", (System.nanoTime() - holdStart) / 1e9,
          socks.stream().filter(Sock::open).count(), Proc.statusKb(pid, "VmRSS") / 1024.0);
      }
      long end = Proc.statusKb(pid, "VmRSS");
      JsonObject cores = node.sampler().cores();
      long peak = Math.max(node.sampler().windowPeakRssKb, end);
      long open = socks.stream().filter(Sock::open).count();
      long frames = 0;
      for (Sock s : socks) {
        synchronized (s) {
          frames += s.frames;
        }
      }
      List<String> problems = new ArrayList<>();
      for (Sock s : socks) {
        String p = s.problem();
        if (p != null && problems.size() < 10) {
          problems.add(p);
        }
      }
      long failed = idleSockets - subscribed;
      long closedEarly = subscribed - open;
      System.out.printf("  idle sockets: %,d open after %.0f s; node B RSS peak %.0f MiB, at the end %.0f MiB"
          + " (%.1f KiB per socket over the %.0f MiB before); %d failed, %d closed early%n", open, idleHold,
        peak / 1024.0, end / 1024.0, subscribed == 0 ? 0 : (end - before) / (double) subscribed, before / 1024.0,
        failed, closedEarly);
      if (failed > 0 || closedEarly > 0) {
        b.failures.add("idle sockets: " + failed + " of " + idleSockets + " failed to subscribe, " + closedEarly
          + " closed early; e.g. " + problems);
      }
      return new JsonObject().put("sockets", idleSockets).put("subscribed", subscribed).put("failed", failed)
        .put("openAtEnd", open).put("closedEarly", closedEarly).put("socketProblems", new JsonArray(problems))
        .put("connectSeconds", Load.round(connectSeconds)).put("holdSeconds", idleHold)
        .put("rssBeforeMib", Load.round(before / 1024.0)).put("rssPeakMib", Load.round(peak / 1024.0))
        .put("rssEndMib", Load.round(end / 1024.0))
        .put("kibPerSocket", subscribed == 0 ? null : Load.round((end - before) / (double) subscribed))
        .put("framesWhileIdle", frames).put("javaOpts", node.javaOpts()).put("nodeBCores", cores);
    }
  }

  // ---------------------------------------------------------------- versus the previous full run

  /**
   * Allocate (per queue depth) and ingest of this run against the last committed full run
   * ({@code git show HEAD:bench/results/latest.json}, or the revision BENCH_COMPARE_WITH names when that run is not
   * one to compare with): rates and p99s, and whether each rate is within 5% of it or better. A smoke run computes it
   * too, but its figures are not comparable (no target).
   */
  private JsonObject versusPreviousFullRun() {
    String file = Bench.env("BENCH_COMPARE_WITH", "HEAD") + ":bench/results/latest.json";
    JsonObject out = new JsonObject().put("source", "git show " + file)
      .put("comparable", !b.smoke).put("tolerance", PREVIOUS_RUN_TOLERANCE);
    JsonObject previous;
    try {
      previous = new JsonObject(Bench.rawCommand("git", "-C", b.repo.toString(), "show", file));
    } catch (RuntimeException e) {
      return out.put("available", false).put("reason", "no committed bench/results/latest.json");
    }
    if (!"full".equals(previous.getString("mode"))) {
      return out.put("available", false).put("reason", "the committed results are of a " + previous.getString("mode")
        + " run");
    }
    out.put("available", true).put("startedAt", previous.getString("startedAt"))
      .put("serviceCommit", previous.getJsonObject("machine", new JsonObject()).getString("serviceCommit"));
    Map<Long, JsonObject> previousDepths = new HashMap<>();
    for (Object o : previous.getJsonArray("queueDepth", new JsonArray())) {
      previousDepths.put(((JsonObject) o).getLong("q"), (JsonObject) o);
    }
    JsonArray rows = new JsonArray();
    for (Object o : b.results.getJsonArray("queueDepth", new JsonArray())) {
      JsonObject now = (JsonObject) o;
      JsonObject before = previousDepths.get(now.getLong("q"));
      String run = String.format("allocate Q=%,d", now.getLong("q"));
      rows.add(compare(run, "allocations/s", before == null ? null : before.getDouble("allocationsPerSecond"),
        now.getDouble("allocationsPerSecond"), true));
      rows.add(compare(run, "allocate p99 ms", before == null ? null : before.getDouble("p99Ms"), now.getDouble("p99Ms"),
        false));
    }
    JsonObject ingestNow = scenario(b.results, "ingest");
    JsonObject ingestBefore = scenario(previous, "ingest");
    if (ingestNow != null) {
      rows.add(compare("ingest", "upserts/s", ingestBefore == null ? null : ingestBefore.getDouble("perSecond"),
        ingestNow.getDouble("perSecond"), true));
      rows.add(compare("ingest", "upsert p99 ms", ingestBefore == null ? null : ingestBefore.getDouble("p99Ms"),
        ingestNow.getDouble("p99Ms"), false));
    }
    return out.put("rows", rows);
  }

  private static JsonObject scenario(JsonObject results, String name) {
    for (Object o : results.getJsonArray("scenarios", new JsonArray())) {
      if (name.equals(((JsonObject) o).getString("name"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  /** {@code withinTolerance}: |change| <= 5%; {@code ok}: within 5% or better (the flag the targets use). */
  private static JsonObject compare(String run, String metric, Double before, Double now, boolean higherIsBetter) {
    JsonObject row = new JsonObject().put("run", run).put("metric", metric).put("previous", before).put("now", now)
      .put("higherIsBetter", higherIsBetter);
    if (before == null || now == null || before == 0) {
      return row.put("change", null).put("withinTolerance", null).put("ok", null);
    }
    double change = now / before - 1;
    boolean within = Math.abs(change) <= PREVIOUS_RUN_TOLERANCE;
    boolean ok = within || (higherIsBetter ? change > 0 : change < 0);
    return row.put("change", Load.round(change * 10_000) / 10_000).put("withinTolerance", within).put("ok", ok);
  }

  // ---------------------------------------------------------------- targets

  static List<JsonObject> targets(JsonObject results) {
    List<JsonObject> t = new ArrayList<>();
    JsonObject feed = results.getJsonObject("feed");
    if (feed == null) {
      return t;
    }
    JsonObject c = feed.getJsonObject("conditionalPoll");
    if (c != null) {
      double rate = c.getDouble("perSecond");
      t.add(Bench.target(String.format("conditional poll (%d clients, If-None-Match) >= %,.0f requests/s",
        c.getInteger("clients"), CONDITIONAL_MIN_PER_SECOND), String.format("%.0f/s (%.0f%% 304)", rate,
        100 * c.getDouble("share304")), rate >= CONDITIONAL_MIN_PER_SECOND));
      double ratio = c.getDouble("ratioToFullPoll");
      t.add(Bench.target(String.format("conditional poll >= %.0fx the full poll of the same run", CONDITIONAL_MIN_RATIO),
        String.format("%.2fx (%.0f vs %.0f requests/s)", ratio, rate, c.getDouble("fullPerSecond")),
        ratio >= CONDITIONAL_MIN_RATIO));
      t.add(Bench.target(String.format("conditional poll p99 <= %.0f ms (flat out: every client polls again at once)",
        CONDITIONAL_MAX_P99_MS), String.format("%s ms at %.0f requests/s", c.getDouble("p99Ms"), rate),
        c.getDouble("p99Ms") <= CONDITIONAL_MAX_P99_MS));
      JsonObject paced = c.getJsonObject("paced");
      if (paced != null) {
        boolean ok = paced.getDouble("p99Ms") <= CONDITIONAL_MAX_P99_MS
          && paced.getDouble("perSecond") >= CONDITIONAL_MIN_PER_SECOND
          && paced.getDouble("perSecond") >= CONDITIONAL_MIN_RATIO * c.getDouble("fullPerSecond");
        t.add(Bench.target(String.format("conditional poll paced at %,.0f requests/s offered: p99 <= %.0f ms, >= %,.0f"
            + " requests/s and >= %.0fx the full poll", CONDITIONAL_PACED_PER_SECOND, CONDITIONAL_MAX_P99_MS,
            CONDITIONAL_MIN_PER_SECOND, CONDITIONAL_MIN_RATIO),
          String.format("p99 %s ms at %.0f requests/s (%.1fx)", paced.getDouble("p99Ms"), paced.getDouble("perSecond"),
            paced.getDouble("perSecond") / c.getDouble("fullPerSecond")), ok));
      }
    }
    JsonObject p = feed.getJsonObject("push");
    if (p != null) {
      JsonObject upper = p.getJsonObject("fromOccurredAt");
      JsonObject lower = p.getJsonObject("fromWriterResponse");
      boolean measured = upper.getLong("count") > 0;
      t.add(Bench.target(String.format("push: commit-to-frame p99 <= %.0f ms (%,d sockets on node B, %s commands/s via"
          + " node A)", PUSH_MAX_P99_MS, p.getInteger("sockets"), p.getValue("commandsPerSecond")),
        measured ? String.format("%.2f ms from occurredAt (upper bound); %.2f ms from the writer's response (lower"
          + " bound)", upper.getDouble("p99Ms"), lower.getDouble("p99Ms")) : "no frames measured",
        measured && upper.getDouble("p99Ms") <= PUSH_MAX_P99_MS));
      t.add(Bench.target("push: every event of the tenant reached every socket exactly once",
        String.format("%d missed, %d duplicated, %d unexpected (%d events x %d sockets)", p.getLong("missed"),
          p.getLong("duplicated"), p.getLong("unexpected"), p.getLong("events"), p.getInteger("subscribed")),
        p.getBoolean("deliveryOk", false) && p.getLong("failedSockets", 0L) == 0));
    }
    JsonObject idle = feed.getJsonObject("idleSockets");
    if (idle != null) {
      double peak = idle.getDouble("rssPeakMib");
      t.add(Bench.target(String.format("idle sockets: service RSS with %,d open WebSockets <= %.0f MiB",
          idle.getInteger("sockets"), IDLE_MAX_RSS_MIB),
        String.format("%.0f MiB peak, %.0f MiB at the end (%s)", peak, idle.getDouble("rssEndMib"),
          idle.getString("javaOpts")), peak <= IDLE_MAX_RSS_MIB && idle.getLong("openAtEnd").longValue() == idle.getLong("sockets").longValue()));
    }
    JsonObject previous = feed.getJsonObject("versusPreviousFullRun");
    if (previous != null && previous.getBoolean("comparable", false) && previous.getBoolean("available", false)) {
      for (Object o : previous.getJsonArray("rows", new JsonArray())) {
        JsonObject row = (JsonObject) o;
        if (!row.getBoolean("higherIsBetter")) {
          continue;
        }
        Double change = row.getDouble("change");
        t.add(Bench.target(String.format("%s %s within 5%% of the previous full run (%s) or better", row.getString("run"),
            row.getString("metric"), previous.getString("serviceCommit")),
          change == null ? "n/a (not in the previous run)" : String.format("%.0f vs %.0f (%+.1f%%)",
            row.getDouble("now"), row.getDouble("previous"), 100 * change), Boolean.TRUE.equals(row.getBoolean("ok"))));
      }
    }
    return t;
  }
}
