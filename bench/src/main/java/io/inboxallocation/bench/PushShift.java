package io.inboxallocation.bench;

import io.inboxallocation.bench.Load.Group;
import io.inboxallocation.bench.Load.Result;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "push shift" scenario (issue 10): a contact-centre shift in PUSH mode on a tenant of its own. Conversations
 * arrive at a fixed mean rate (Poisson) through ingest upserts; the service assigns them on its own to 50 operators of
 * capacity 3, who learn of each assignment over their WebSocket and resolve it 0.5-2 s later. Afterwards, from
 * domain_event: queued-to-allocated latency (raw, and counting only the time an eligible operator had a free slot),
 * over-capacity and double assignment by replaying the events in feed order, and the spread of assignments among the
 * operators. The tenant is put back in PULL mode at the end, whatever happened.
 */
final class PushShift {

  static final String NAME = "push shift";
  static final int INBOXES = 10;
  static final int OPERATORS = 50;
  static final int SUBSCRIPTIONS_PER_OPERATOR = 5;
  static final int CAPACITY = 3;
  static final long HOLD_MIN_MS = 500;
  static final long HOLD_MAX_MS = 2000;
  static final double MAX_P99_MS = 1000;
  /** Orchestrator streams sharing the arrival rate, each a Poisson process of rate / INGESTERS. */
  static final int INGESTERS = 8;
  /**
   * Arrivals are open-loop: a stream sends each upsert at its time without waiting for the previous answer (customers
   * do not wait for the service), up to this many unanswered per stream; past that it waits (and falls behind).
   */
  static final int MAX_IN_FLIGHT_PER_STREAM = 32;
  /** One ADMIN client reads GET /operator-status/{id} of the operators in turn, this often. */
  static final long STATUS_SAMPLE_MS = 100;
  /** After the arrivals stop: how long the operators get to resolve what they hold and the queue to empty. */
  static final long DRAIN_SECONDS = 20;
  private static final Set<Integer> CREATED = Set.of(201);

  private final Bench b;
  private final int rate;
  private final double seconds;
  private final double warmup;

  // the tenant, set up by run()
  private Db.Tenant tenant;
  private String adminToken;
  private String serviceToken;
  private String[] operatorTokens;
  private final AtomicLong ids = new AtomicLong();

  // the operators' side, written on the load's event loop, read by the harness thread once it is quiet
  private final Map<UUID, Long> frameAtMicros = new ConcurrentHashMap<>();
  /** First arrival of each CREATED frame on the sockets of operators 0..9 (together they see every inbox). */
  private final Map<UUID, Long> createdFrameAtMicros = new ConcurrentHashMap<>();
  private final AtomicLong assignmentFrames = new AtomicLong();
  private final AtomicLong duplicateFrames = new AtomicLong();
  private final AtomicLong resolved = new AtomicLong();
  private final AtomicLong resolveErrors = new AtomicLong();
  private final AtomicLong pendingResolves = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private final List<String> socketProblems = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> resolveErrorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
  // GET /operator-status samples
  private final AtomicLong statusSamples = new AtomicLong();
  private final AtomicLong statusOverCapacity = new AtomicLong();
  private final AtomicLong statusMaxActive = new AtomicLong();
  private final Set<String> statusCapacities = ConcurrentHashMap.newKeySet();
  private long wall0Micros;
  private long t0Nanos;
  private volatile boolean closing;

  PushShift(Bench bench) {
    this.b = bench;
    this.rate = Integer.parseInt(Bench.env("BENCH_PUSH_SHIFT_RATE", b.smoke ? "50" : "100"));
    this.seconds = Double.parseDouble(Bench.env("BENCH_PUSH_SHIFT_SECONDS", b.smoke ? String.valueOf(b.duration) : "40"));
    this.warmup = b.warmup;
  }

  /** Runs the scenario; its figures go to {@code results.pushShift} and its HTTP run to {@code scenarios}. */
  void run(JsonArray scenarios) {
    JsonObject out = new JsonObject().put("conversationsPerSecond", rate).put("seconds", seconds)
      .put("warmupSeconds", warmup).put("operators", OPERATORS).put("capacity", CAPACITY).put("inboxes", INBOXES)
      .put("subscriptionsPerOperator", SUBSCRIPTIONS_PER_OPERATOR).put("holdMs", new JsonArray().add(HOLD_MIN_MS)
        .add(HOLD_MAX_MS)).put("maxP99Ms", MAX_P99_MS);
    b.results.put("pushShift", out);
    List<WebSocket> sockets = new ArrayList<>();
    WebSocketClient wsClient = null;
    boolean pushOn = false;
    try {
      System.out.printf("%n== %s: %d conversations/s arriving (ingest upserts, %d SERVICE streams, Poisson, open loop) over"
          + " %d inboxes; %d operators (capacity %d, %d inboxes each) told over their WebSocket, resolving after %d-%d ms;"
          + " PUSH mode%n", NAME, rate, INGESTERS, INBOXES, OPERATORS, CAPACITY, SUBSCRIPTIONS_PER_OPERATOR,
        HOLD_MIN_MS, HOLD_MAX_MS);
      tenant = b.db.seedPushShiftTenant(INBOXES, OPERATORS, SUBSCRIPTIONS_PER_OPERATOR);
      UUID admin = b.db.seedAdmin(tenant.id(), "bench push-shift admin");
      adminToken = b.token(admin.toString(), "ADMIN", tenant.id());
      serviceToken = b.token("bench-orchestrator", "SERVICE", tenant.id());
      operatorTokens = tenant.operators().stream().map(id -> b.token(id.toString(), "OPERATOR", tenant.id()))
        .toArray(String[]::new);
      out.put("tenantId", tenant.id().toString()).put("shape", tenant.shape());

      t0Nanos = System.nanoTime();
      Instant wall = Instant.now();
      wall0Micros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1_000;
      wsClient = b.load.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(OPERATORS + 8)
        .setConnectTimeout(10_000).setTcpNoDelay(true));
      for (int i = 0; i < OPERATORS; i++) {
        sockets.add(connect(wsClient, i));
      }
      System.out.printf("  %d operator WebSockets subscribed%n", sockets.size());

      // Capacity and PUSH through the API, so every node sees them as a real admin's change.
      pushOn = true;
      JsonObject patched = Bench.await(b.load.call("setup", HttpMethod.PATCH, "/tenants/me", adminToken,
        new JsonObject().put("defaultMaxConcurrent", CAPACITY).put("assignmentMode", "PUSH"), Bench.OK),
        "PATCH /tenants/me {defaultMaxConcurrent: 3, assignmentMode: PUSH}").bodyAsJsonObject();
      JsonObject settings = Bench.await(b.load.call("setup", HttpMethod.GET, "/tenants/me", adminToken, null, Bench.OK),
        "GET /tenants/me").bodyAsJsonObject();
      out.put("tenantSettings", new JsonObject().put("assignmentMode", settings.getValue("assignmentMode"))
        .put("defaultMaxConcurrent", settings.getValue("defaultMaxConcurrent")));
      if (!"PUSH".equals(settings.getValue("assignmentMode"))
        || !Integer.valueOf(CAPACITY).equals(settings.getValue("defaultMaxConcurrent"))) {
        throw new IllegalStateException("GET /tenants/me after PATCH shows " + settings.encode() + " (PATCH answered "
          + patched.encode() + ")");
      }
      List<String> setup = checkOperatorStatus(0);
      if (!setup.isEmpty()) {
        throw new IllegalStateException("GET /operator-status before the shift: " + setup);
      }

      long[] window = new long[2];
      Result r = b.load.run(NAME, List.of(arrivals(), statusSampler()), warmup, seconds, b.progress,
        () -> window[0] = nowMicros());
      window[1] = window[0] + (long) (r.seconds() * 1e6);
      b.noteErrors(r);

      // Drain: the operators resolve what they hold, the service pushes what is still queued.
      long drainStart = System.nanoTime();
      Map<String, Long> states = b.db.conversationStates(tenant.id());
      while (System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(DRAIN_SECONDS)
        && (states.getOrDefault("QUEUED", 0L) + states.getOrDefault("ALLOCATED", 0L) > 0
        || pendingResolves.get() > 0)) {
        Thread.sleep(100);
        states = b.db.conversationStates(tenant.id());
      }
      double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      System.out.printf("  drained in %.1f s: conversations by state %s, %d resolves in flight%n", drainSeconds, states,
        pendingResolves.get());
      out.put("drainSeconds", Load.round(drainSeconds)).put("statesAfterDrain", new JsonObject(new HashMap<>(states)));
      // Whatever the sockets did not bring (a socket closed, a frame lost): found over REST and resolved, counted.
      out.put("resolvedBySweep", sweepLeftovers());
      List<String> after = checkOperatorStatus(-1);
      out.put("operatorStatusAfterDrain", new JsonArray(after));

      JsonObject http = Bench.scenarioJson(r).put("name", NAME)
        .put("concurrency", INGESTERS + " ingest + " + OPERATORS + " operators + 1 status");
      scenarios.add(http);
      out.put("http", http);
      out.put("window", new JsonObject().put("startMicros", window[0]).put("endMicros", window[1]));

      // the tenant back to PULL before anything else runs
      pushOn = !restorePull(out);

      b.db.awaitSequenced(10_000);
      analyse(out, window[0], window[1]);
    } catch (Exception e) {
      e.printStackTrace(System.out);
      b.failures.add("harness (" + NAME + "): " + e);
      out.put("error", e.toString());
    } finally {
      if (pushOn) {
        try {
          restorePull(out);
        } catch (Exception e) {
          b.failures.add(NAME + ": could not put the tenant back in PULL mode: " + e);
        }
      }
      closing = true;
      for (WebSocket ws : sockets) {
        ws.close();
      }
      if (wsClient != null) {
        try {
          wsClient.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // closing
        }
      }
    }
  }

  // ---------------------------------------------------------------- the operators' side

  /** Operator i's WebSocket, subscribed from the head; resolves each conversation pushed to it after 0.5-2 s. */
  private WebSocket connect(WebSocketClient client, int i) throws Exception {
    UUID me = tenant.operators().get(i);
    String myId = me.toString();
    Promise<Void> subscribed = Promise.promise();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(b.httpPort)
      .setURI("/ws").addHeader("Authorization", "Bearer " + operatorTokens[i]);
    WebSocket ws = client.connect(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    ws.textMessageHandler(text -> {
      if (!text.startsWith("{\"type\":\"event\"")) {
        JsonObject m = new JsonObject(text);
        switch (String.valueOf(m.getValue("type"))) {
          case "subscribed" -> subscribed.tryComplete();
          case "resync" -> {
            resyncs.incrementAndGet();
            note("operator " + i + ": resync " + text);
          }
          default -> {
          }
        }
        return;
      }
      // ~150 frames/s per operator (every event of 5 inboxes): parse only those that can be an assignment, and on ten
      // sockets the CREATED ones (a comparison: written through HTTP, where the ALLOCATED ones are the service's own)
      boolean created = i < 10 && text.contains("\"CREATED\"");
      if (!created && !text.contains("ALLOCATED") && !text.contains("REASSIGNED")) {
        return;
      }
      JsonObject event = new JsonObject(text).getJsonObject("event");
      String type = event.getString("type");
      if ("CREATED".equals(type)) {
        createdFrameAtMicros.putIfAbsent(UUID.fromString(event.getString("conversationId")), nowMicros());
        return;
      }
      if (!("ALLOCATED".equals(type) || "REASSIGNED".equals(type)) || !myId.equals(event.getString("operatorId"))) {
        return;
      }
      long at = nowMicros();
      UUID conversation = UUID.fromString(event.getString("conversationId"));
      assignmentFrames.incrementAndGet();
      if (frameAtMicros.putIfAbsent(conversation, at) != null) {
        duplicateFrames.incrementAndGet();
        return;
      }
      long hold = ThreadLocalRandom.current().nextLong(HOLD_MIN_MS, HOLD_MAX_MS + 1);
      pendingResolves.incrementAndGet();
      b.load.vertx.setTimer(hold, t -> resolve(i, conversation).onComplete(ar -> pendingResolves.decrementAndGet()));
    });
    ws.closeHandler(v -> {
      if (!closing) {
        note("operator " + i + ": socket closed by the server (" + ws.closeStatusCode() + " " + ws.closeReason() + ")");
      }
    });
    ws.exceptionHandler(e -> {
      if (!closing) {
        note("operator " + i + ": " + e);
      }
    });
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").encode());
    subscribed.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return ws;
  }

  private Future<HttpResponse<Buffer>> resolve(int operator, UUID conversation) {
    return b.load.call("resolve", HttpMethod.POST, "/allocation/resolve", operatorTokens[operator],
      new JsonObject().put("conversationId", conversation.toString()), Bench.OK).andThen(ar -> {
        if (ar.succeeded() && ar.result().statusCode() == 200) {
          resolved.incrementAndGet();
        } else {
          resolveErrors.incrementAndGet();
          if (resolveErrorSamples.size() < 5) {
            resolveErrorSamples.add("operator " + operator + " resolve " + conversation + " -> "
              + (ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause().toString()));
          }
        }
      });
  }

  private void note(String problem) {
    if (socketProblems.size() < 10) {
      socketProblems.add(problem);
    }
  }

  private long nowMicros() {
    return wall0Micros + (System.nanoTime() - t0Nanos) / 1_000;
  }

  /**
   * What the sockets did not deliver: each operator's ALLOCATED conversations over REST, resolved. Returns how many
   * (0 when every assignment reached its operator's socket).
   */
  private long sweepLeftovers() throws Exception {
    long swept = 0;
    for (int i = 0; i < OPERATORS; i++) {
      HttpResponse<Buffer> resp = Bench.await(b.load.call("sweep", HttpMethod.GET, "/conversations?state=ALLOCATED"
        + "&assignedOperatorId=" + tenant.operators().get(i) + "&limit=100", operatorTokens[i], null, Bench.OK),
        "GET /conversations?state=ALLOCATED (operator " + i + ")");
      JsonArray items = resp.bodyAsJsonObject().getJsonArray("items", new JsonArray());
      for (Object o : items) {
        UUID id = UUID.fromString(((JsonObject) o).getString("id"));
        Bench.await(resolve(i, id), "resolve " + id);
        swept++;
      }
    }
    if (swept > 0) {
      System.out.printf("  %d conversations still ALLOCATED after the drain (their frame never came): resolved over"
        + " REST%n", swept);
    }
    return swept;
  }

  /**
   * GET /operator-status/{id} of every operator: capacity must be 3, and activeConversations {@code active} (or any
   * when negative). Returns the mismatches.
   */
  private List<String> checkOperatorStatus(long active) throws Exception {
    List<String> problems = new ArrayList<>();
    for (UUID op : tenant.operators()) {
      JsonObject s = Bench.await(b.load.call("setup", HttpMethod.GET, "/operator-status/" + op, adminToken, null, Bench.OK),
        "GET /operator-status/" + op).bodyAsJsonObject();
      Object capacity = s.getValue("capacity");
      Object n = s.getValue("activeConversations");
      if (!Integer.valueOf(CAPACITY).equals(capacity) || (active >= 0 && !Integer.valueOf((int) active).equals(n))
        || !"AVAILABLE".equals(s.getValue("status"))) {
        if (problems.size() < 5) {
          problems.add(op + ": " + s.encode());
        }
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- load

  /**
   * The orchestrator: INGESTERS streams, each a Poisson process of rate / INGESTERS new conversations per second, open
   * loop (see {@link #MAX_IN_FLIGHT_PER_STREAM}).
   */
  private Group arrivals() {
    double perStream = (double) rate / INGESTERS;
    long[] due = new long[INGESTERS];
    int[] inFlight = new int[INGESTERS];
    List<UUID> inboxes = tenant.inboxes();
    return new Group("upsert", INGESTERS, i -> {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      long now = System.nanoTime();
      if (due[i] == 0 || due[i] < now - TimeUnit.SECONDS.toNanos(1)) {
        due[i] = now; // first arrival, or fell a second behind: no burst to catch up
      }
      due[i] += (long) (-Math.log(1 - rnd.nextDouble()) / perStream * 1e9);
      long waitMs = (due[i] - now) / 1_000_000;
      Future<?> go = waitMs > 0 ? b.load.sleep(waitMs) : Future.succeededFuture();
      return go.compose(x -> {
        JsonObject body = new JsonObject()
          .put("inboxId", inboxes.get(rnd.nextInt(inboxes.size())).toString())
          .put("externalConversationId", "shift-" + ids.incrementAndGet())
          .put("customerPhoneNumber", "+55119" + String.format("%08d", rnd.nextInt(100_000_000)))
          .put("lastMessageAt", Instant.now().toString())
          .put("messageCount", 1 + rnd.nextInt(10));
        inFlight[i]++;
        Future<?> sent = b.load.call("upsert", HttpMethod.POST, "/conversations", serviceToken, body, CREATED)
          .andThen(ar -> inFlight[i]--);
        // the next arrival does not wait for this answer, unless too many are unanswered
        return inFlight[i] < MAX_IN_FLIGHT_PER_STREAM ? Future.succeededFuture() : sent;
      });
    });
  }

  /** One ADMIN client reading the operators' status in turn: activeConversations must never exceed capacity. */
  private Group statusSampler() {
    int[] next = new int[1];
    return new Group("status", 1, i -> {
      UUID op = tenant.operators().get(next[0]++ % OPERATORS);
      return b.load.call("status", HttpMethod.GET, "/operator-status/" + op, adminToken, null, Bench.OK)
        .compose(resp -> {
          if (resp.statusCode() == 200) {
            JsonObject s = resp.bodyAsJsonObject();
            long active = s.getLong("activeConversations", 0L);
            Integer capacity = s.getInteger("capacity");
            statusSamples.incrementAndGet();
            statusCapacities.add(String.valueOf(capacity));
            statusMaxActive.accumulateAndGet(active, Math::max);
            if (capacity != null && active > capacity) {
              statusOverCapacity.incrementAndGet();
            }
          }
          return b.load.sleep(STATUS_SAMPLE_MS);
        });
    });
  }

  private boolean restorePull(JsonObject out) throws Exception {
    Bench.await(b.load.call("teardown", HttpMethod.PATCH, "/tenants/me", adminToken,
      new JsonObject().put("assignmentMode", "PULL"), Bench.OK), "PATCH /tenants/me {assignmentMode: PULL}");
    JsonObject settings = Bench.await(b.load.call("teardown", HttpMethod.GET, "/tenants/me", adminToken, null, Bench.OK),
      "GET /tenants/me").bodyAsJsonObject();
    boolean pull = "PULL".equals(settings.getValue("assignmentMode"));
    out.put("restoredToPull", pull);
    if (!pull) {
      throw new IllegalStateException("GET /tenants/me after PATCH PULL shows " + settings.encode());
    }
    System.out.println("  tenant back in PULL mode");
    return true;
  }

  // ---------------------------------------------------------------- analysis

  private void analyse(JsonObject out, long windowStart, long windowEnd) throws Exception {
    List<Db.ShiftEvent> events = b.db.conversationEvents(tenant.id());
    Map<UUID, List<UUID>> subscriptions = b.db.subscriptions(tenant.id());
    long end = b.db.nowMicros();
    Replay replay = Replay.of(events, subscriptions, CAPACITY, windowStart, windowEnd, end);

    // when the operator learned of it: frame arrival minus the ALLOCATED event's occurred_at
    Histogram toFrame = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long withoutFrame = 0;
    for (Map.Entry<UUID, Long> a : replay.allocatedAt.entrySet()) {
      Long frame = frameAtMicros.get(a.getKey());
      if (frame == null) {
        withoutFrame++;
      } else if (replay.inWindow.contains(a.getKey())) {
        toFrame.recordValue(Math.max(0, Math.min(frame - a.getValue(), toFrame.getHighestTrackableValue())));
      }
    }
    Histogram createdToFrame = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    for (Map.Entry<UUID, Long> c : replay.createdAt.entrySet()) {
      Long frame = createdFrameAtMicros.get(c.getKey());
      if (frame != null && replay.inWindow.contains(c.getKey())) {
        createdToFrame.recordValue(Math.max(0, Math.min(frame - c.getValue(), createdToFrame.getHighestTrackableValue())));
      }
    }
    JsonObject json = replay.json();
    json.put("allocatedToFrame", Load.histogram(toFrame)).put("createdToFrame", Load.histogram(createdToFrame)).put("allocationsWithoutFrame", withoutFrame)
      .put("assignmentFrames", assignmentFrames.get()).put("duplicateFrames", duplicateFrames.get())
      .put("resolvedByOperators", resolved.get()).put("resolveErrors", resolveErrors.get())
      .put("resolveErrorSamples", new JsonArray(new ArrayList<>(resolveErrorSamples)))
      .put("resyncs", resyncs.get()).put("socketProblems", new JsonArray(new ArrayList<>(socketProblems)))
      .put("statusSamples", statusSamples.get()).put("statusMaxActive", statusMaxActive.get())
      .put("statusOverCapacity", statusOverCapacity.get())
      .put("statusCapacitiesSeen", new JsonArray(new ArrayList<>(statusCapacities)));
    out.mergeIn(json);

    JsonObject raw = json.getJsonObject("queuedToAllocated");
    JsonObject free = json.getJsonObject("queuedWhileCapacity");
    JsonObject spread = json.getJsonObject("spread");
    System.out.printf("  %d conversations queued in the window (%d pushed, %d never allocated); ALLOCATED reasons %s%n",
      json.getLong("conversationsInWindow"), raw.getLong("count") - json.getLong("neverAllocated"),
      json.getLong("neverAllocated"), json.getJsonObject("allocatedByReason").encode());
    System.out.printf("  queued-to-allocated: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
      raw.getDouble("p50Ms"), raw.getDouble("p99Ms"), raw.getDouble("p999Ms"), raw.getDouble("maxMs"));
    System.out.printf("  of which while an eligible operator had a free slot: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
        + " max %.2f ms (%d conversations waited for capacity at some point)%n", free.getDouble("p50Ms"),
      free.getDouble("p99Ms"), free.getDouble("p999Ms"), free.getDouble("maxMs"), json.getLong("waitedForCapacity"));
    JsonObject f = json.getJsonObject("allocatedToFrame");
    JsonObject cf = json.getJsonObject("createdToFrame");
    System.out.printf("  ALLOCATED to the operator's frame: p50 %.2f ms, p99 %.2f ms (%d allocations without a frame);"
        + " for comparison CREATED to frame: p50 %.2f ms, p99 %.2f ms%n", f.getDouble("p50Ms"), f.getDouble("p99Ms"),
      withoutFrame, cf.getDouble("p50Ms"), cf.getDouble("p99Ms"));
    System.out.printf("  capacity: %d operators ever over %d (max held %d); double assignments %d; GET /operator-status"
        + " max activeConversations %d over %d samples (%d over capacity)%n", json.getLong("operatorsOverCapacity"),
      CAPACITY, json.getLong("maxHeld"), json.getLong("doubleAssignments"), statusMaxActive.get(), statusSamples.get(),
      statusOverCapacity.get());
    System.out.printf("  spread over %d operators: min %d / mean %.2f / max %d conversations, CV %.3f%n",
      spread.getInteger("operators"), spread.getLong("min"), spread.getDouble("mean"), spread.getLong("max"),
      spread.getDouble("cv"));

    if (json.getLong("operatorsOverCapacity") > 0 || statusOverCapacity.get() > 0) {
      b.failures.add(NAME + ": over capacity: " + json.getLong("operatorsOverCapacity") + " operators held more than "
        + CAPACITY + " (max " + json.getLong("maxHeld") + "), " + statusOverCapacity.get()
        + " GET /operator-status answers above capacity; e.g. " + json.getJsonArray("examples"));
    }
    if (json.getLong("doubleAssignments") > 0) {
      b.failures.add(NAME + ": " + json.getLong("doubleAssignments") + " double assignments; e.g. "
        + json.getJsonArray("examples"));
    }
    if (json.getLong("allocated") == 0) {
      b.failures.add(NAME + ": the service assigned nothing in PUSH mode");
    }
    if (resolveErrors.get() > 0) {
      b.failures.add(NAME + ": " + resolveErrors.get() + " resolves failed, e.g. " + resolveErrorSamples);
    }
    if (!socketProblems.isEmpty()) {
      b.failures.add(NAME + ": operator WebSockets: " + socketProblems);
    }
  }

  /**
   * The tenant's conversation events replayed in feed order (position), holding per operator the conversations they
   * hold and per inbox how many subscribed operators are below capacity (all operators stay AVAILABLE: nothing else
   * makes one ineligible here). Time runs on occurred_at (each event's transaction start), kept monotonic.
   */
  static final class Replay {
    final int capacity;
    final Map<UUID, Integer> load = new HashMap<>();
    final Map<UUID, List<UUID>> inboxesOf;
    final Map<UUID, Integer> freeOperators = new HashMap<>();
    /** Per inbox: µs so far during which at least one of its operators had a free slot. */
    final Map<UUID, Long> freeTime = new HashMap<>();
    final Map<UUID, UUID> owner = new HashMap<>();
    final Map<UUID, Long> queuedAt = new HashMap<>();
    final Map<UUID, Long> queuedFree = new HashMap<>();
    /** When it was queued on the replay's (monotonic) clock, the one the free-slot time runs on. */
    final Map<UUID, Long> queuedClock = new HashMap<>();
    final Map<UUID, UUID> queuedInbox = new HashMap<>();
    final Map<UUID, Boolean> queuedInWindow = new HashMap<>();
    final Map<UUID, Long> allocatedAt = new HashMap<>();
    final Map<UUID, Long> createdAt = new HashMap<>();
    final Set<UUID> inWindow = new java.util.HashSet<>();
    final Map<UUID, Long> perOperator = new LinkedHashMap<>();
    final Map<String, Long> reasons = new TreeMap<>();
    final Map<String, Long> types = new TreeMap<>();
    final Histogram raw = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    final Histogram whileFree = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    final List<String> examples = new ArrayList<>();
    final Set<UUID> overOperators = new java.util.HashSet<>();
    long overEvents;
    long maxHeld;
    long doubles;
    long allocated;
    long anomalies;
    long waitedForCapacity;
    long neverAllocated;
    long conversationsInWindow;
    private long now = Long.MIN_VALUE;

    private Replay(Map<UUID, List<UUID>> subscriptions, int capacity) {
      this.capacity = capacity;
      this.inboxesOf = subscriptions;
      for (Map.Entry<UUID, List<UUID>> s : subscriptions.entrySet()) {
        load.put(s.getKey(), 0);
        perOperator.put(s.getKey(), 0L);
        for (UUID inbox : s.getValue()) {
          freeOperators.merge(inbox, 1, Integer::sum);
          freeTime.put(inbox, 0L);
        }
      }
    }

    static Replay of(List<Db.ShiftEvent> events, Map<UUID, List<UUID>> subscriptions, int capacity, long windowStart,
                     long windowEnd, long endMicros) {
      Replay r = new Replay(subscriptions, capacity);
      for (Db.ShiftEvent e : events) {
        r.apply(e, windowStart, windowEnd);
      }
      // still queued at the end: counted with what they had waited so far (a lower bound)
      r.advance(Math.max(endMicros, r.now));
      for (UUID c : new ArrayList<>(r.queuedAt.keySet())) {
        if (r.queuedInWindow.getOrDefault(c, false)) {
          r.neverAllocated++;
          r.record(c, r.now);
        }
      }
      return r;
    }

    private void advance(long t) {
      if (now == Long.MIN_VALUE) {
        now = t;
        return;
      }
      if (t <= now) {
        return;
      }
      long dt = t - now;
      for (Map.Entry<UUID, Integer> f : freeOperators.entrySet()) {
        if (f.getValue() > 0) {
          freeTime.merge(f.getKey(), dt, Long::sum);
        }
      }
      now = t;
    }

    private void apply(Db.ShiftEvent e, long windowStart, long windowEnd) {
      advance(e.occurredAtMicros());
      types.merge(e.type(), 1L, Long::sum);
      UUID c = e.conversationId();
      switch (e.type()) {
        case "CREATED", "REOPENED" -> {
          if ("CREATED".equals(e.type())) {
            createdAt.put(c, e.occurredAtMicros());
          }
          queue(c, e, windowStart, windowEnd);
        }
        case "RELEASED" -> {
          lose(c, e);
          queue(c, e, windowStart, windowEnd);
        }
        case "RESOLVED" -> lose(c, e);
        case "ALLOCATED" -> {
          allocated++;
          reasons.merge(String.valueOf(e.reason()), 1L, Long::sum);
          UUID op = e.operatorId();
          if (owner.get(c) != null) {
            doubles++;
            example("double assignment: conversation " + c + " ALLOCATED to " + op + " at position " + e.position()
              + " while held by " + owner.get(c));
            lose(c, e);
          }
          if (op == null) {
            anomalies++;
            example("ALLOCATED without operator at position " + e.position());
            break;
          }
          perOperator.merge(op, 1L, Long::sum);
          gain(op, c, e);
          allocatedAt.put(c, e.occurredAtMicros());
          if (queuedAt.containsKey(c)) {
            record(c, e.occurredAtMicros());
          }
        }
        case "REASSIGNED" -> {
          lose(c, e);
          if (e.operatorId() != null) {
            gain(e.operatorId(), c, e);
          }
        }
        case "MOVED" -> {
          // the conversation's inbox for eligibility: only while it waits (an owner keeps it, or is released)
          if (queuedInbox.containsKey(c) && e.inboxId() != null) {
            queuedInbox.put(c, e.inboxId());
          }
        }
        default -> {
        }
      }
    }

    private void queue(UUID c, Db.ShiftEvent e, long windowStart, long windowEnd) {
      queuedAt.put(c, e.occurredAtMicros());
      queuedInbox.put(c, e.inboxId());
      queuedFree.put(c, freeTime.getOrDefault(e.inboxId(), 0L));
      queuedClock.put(c, now);
      boolean in = e.occurredAtMicros() >= windowStart && e.occurredAtMicros() <= windowEnd;
      queuedInWindow.put(c, in);
      if (in) {
        conversationsInWindow++;
      }
    }

    /** The end of a wait (allocation, or the end of the run): raw and capacity-adjusted latency, when in the window. */
    private void record(UUID c, long at) {
      long q = queuedAt.remove(c);
      UUID inbox = queuedInbox.remove(c);
      long free0 = queuedFree.remove(c);
      long clock0 = queuedClock.remove(c);
      if (!queuedInWindow.remove(c)) {
        return;
      }
      inWindow.add(c);
      long waited = Math.max(0, at - q);
      // on the replay's clock (occurred_at kept monotonic, so it may differ from the raw wait by a few ms)
      long waitedFreeClock = Math.max(0, freeTime.getOrDefault(inbox, 0L) - free0);
      if (waitedFreeClock < now - clock0) {
        waitedForCapacity++;
      }
      long waitedFree = Math.min(waited, waitedFreeClock);
      raw.recordValue(Math.min(waited, raw.getHighestTrackableValue()));
      whileFree.recordValue(Math.min(waitedFree, whileFree.getHighestTrackableValue()));
    }

    private void gain(UUID op, UUID c, Db.ShiftEvent e) {
      owner.put(c, op);
      int before = load.getOrDefault(op, 0);
      int after = before + 1;
      load.put(op, after);
      maxHeld = Math.max(maxHeld, after);
      if (after > capacity) {
        overEvents++;
        if (overOperators.add(op)) {
          example("operator " + op + " holds " + after + " (capacity " + capacity + ") after " + e.type() + " of " + c
            + " at position " + e.position());
        }
      }
      changed(op, before, after);
    }

    private void lose(UUID c, Db.ShiftEvent e) {
      UUID op = owner.remove(c);
      if (op == null) {
        // resolving or releasing what nobody holds: the replay and the service disagree
        anomalies++;
        example(e.type() + " of " + c + " at position " + e.position() + " with no owner in the replay");
        return;
      }
      int before = load.get(op);
      load.put(op, before - 1);
      changed(op, before, before - 1);
    }

    private void changed(UUID op, int before, int after) {
      boolean wasFree = before < capacity;
      boolean isFree = after < capacity;
      if (wasFree == isFree) {
        return;
      }
      for (UUID inbox : inboxesOf.getOrDefault(op, List.of())) {
        freeOperators.merge(inbox, isFree ? 1 : -1, Integer::sum);
      }
    }

    private void example(String s) {
      if (examples.size() < 10) {
        examples.add(s);
      }
    }

    JsonObject json() {
      Collection<Long> counts = perOperator.values();
      long min = counts.stream().mapToLong(Long::longValue).min().orElse(0);
      long max = counts.stream().mapToLong(Long::longValue).max().orElse(0);
      double mean = counts.stream().mapToLong(Long::longValue).average().orElse(0);
      double var = counts.stream().mapToDouble(n -> (n - mean) * (n - mean)).average().orElse(0);
      double cv = mean == 0 ? 0 : Math.sqrt(var) / mean;
      JsonArray each = new JsonArray();
      counts.forEach(each::add);
      return new JsonObject()
        .put("events", types.values().stream().mapToLong(Long::longValue).sum())
        .put("eventsByType", new JsonObject(new LinkedHashMap<>(types)))
        .put("allocated", allocated).put("allocatedByReason", new JsonObject(new LinkedHashMap<>(reasons)))
        .put("conversationsInWindow", conversationsInWindow).put("neverAllocated", neverAllocated)
        .put("queuedToAllocated", Load.histogram(raw)).put("queuedWhileCapacity", Load.histogram(whileFree))
        .put("waitedForCapacity", waitedForCapacity)
        .put("operatorsOverCapacity", (long) overOperators.size()).put("overCapacityEvents", overEvents)
        .put("maxHeld", maxHeld).put("doubleAssignments", doubles).put("anomalies", anomalies)
        .put("examples", new JsonArray(examples))
        .put("spread", new JsonObject().put("operators", counts.size()).put("min", min).put("max", max)
          .put("mean", Load.round(mean)).put("cv", Math.round(cv * 1000) / 1000.0).put("perOperator", each));
    }
  }

  // ---------------------------------------------------------------- targets and report

  static List<JsonObject> targets(JsonObject results) {
    List<JsonObject> t = new ArrayList<>();
    JsonObject p = results.getJsonObject("pushShift");
    if (p == null) {
      return t;
    }
    String shape = String.format("%s conv/s, %d operators x %d", p.getValue("conversationsPerSecond"),
      p.getInteger("operators"), p.getInteger("capacity"));
    JsonObject free = p.getJsonObject("queuedWhileCapacity");
    JsonObject raw = p.getJsonObject("queuedToAllocated");
    boolean measured = free != null && free.getLong("count") > 0;
    t.add(Bench.target(String.format("push shift: queued-to-allocated p99 <= %.0f s while an eligible operator had a"
        + " free slot (%s)", MAX_P99_MS / 1000, shape),
      measured ? String.format("%.2f ms (raw queued-to-allocated p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; %d"
          + " conversations, %d never allocated)", free.getDouble("p99Ms"), raw.getDouble("p99Ms"),
        raw.getDouble("p999Ms"), raw.getDouble("maxMs"), raw.getLong("count"), p.getLong("neverAllocated"))
        : "not measured" + (p.getString("error") == null ? "" : ": " + p.getString("error")),
      measured && free.getDouble("p99Ms") <= MAX_P99_MS));
    boolean replayed = p.getValue("operatorsOverCapacity") != null;
    t.add(Bench.target(String.format("push shift: no operator ever over capacity (%d)", p.getInteger("capacity")),
      replayed ? String.format("%d operators over, max held %d (%d events replayed); GET /operator-status: max %d over"
          + " %d samples", p.getLong("operatorsOverCapacity"), p.getLong("maxHeld"), p.getLong("events"),
        p.getLong("statusMaxActive"), p.getLong("statusSamples")) : "not measured",
      replayed && p.getLong("operatorsOverCapacity") == 0 && p.getLong("statusOverCapacity") == 0));
    t.add(Bench.target("push shift: no double assignment",
      replayed ? String.format("%d of %d ALLOCATED events", p.getLong("doubleAssignments"), p.getLong("allocated"))
        : "not measured", replayed && p.getLong("doubleAssignments") == 0));
    return t;
  }

  static String summary(JsonObject results) {
    JsonObject p = results.getJsonObject("pushShift");
    if (p == null || p.getJsonObject("queuedToAllocated") == null) {
      return "";
    }
    JsonObject raw = p.getJsonObject("queuedToAllocated");
    JsonObject free = p.getJsonObject("queuedWhileCapacity");
    JsonObject s = p.getJsonObject("spread");
    return String.format("%npush shift: %s conv/s; queued-to-allocated p50 %.2f / p99 %.2f / p99.9 %.2f / max %.2f ms"
        + " (while capacity: p99 %.2f ms); over capacity %d, double %d; spread min %d / mean %.2f / max %d, CV %.3f%n",
      p.getValue("conversationsPerSecond"), raw.getDouble("p50Ms"), raw.getDouble("p99Ms"), raw.getDouble("p999Ms"),
      raw.getDouble("maxMs"), free.getDouble("p99Ms"), p.getLong("operatorsOverCapacity"),
      p.getLong("doubleAssignments"), s.getLong("min"), s.getDouble("mean"), s.getLong("max"), s.getDouble("cv"));
  }

  static String section(JsonObject results) {
    JsonObject p = results.getJsonObject("pushShift");
    if (p == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("## Push shift (issue 10)\n\n");
    b.append(String.format("A tenant of its own (%s), capacity %d for everyone (`PATCH /tenants/me`"
        + " `defaultMaxConcurrent`), `assignmentMode` PUSH. %s new conversations/s arrive (ingest upserts by %d SERVICE"
        + " streams, Poisson, open loop, random inbox) for %.0f s warm-up + %.0f s measured; each operator hears of what it was"
        + " given on its WebSocket and resolves it after a uniform 0.5-2 s. Latencies are of the conversations queued in"
        + " the measured window, from domain_event: ALLOCATED.occurred_at minus the occurred_at of the event that queued"
        + " it. \"While capacity\" counts only the part of that wait during which an operator subscribed to its inbox"
        + " had a free slot (the events replayed in feed order).%n%n", p.getString("shape", "?"), p.getInteger("capacity"),
      p.getValue("conversationsPerSecond"), INGESTERS, p.getDouble("warmupSeconds"), p.getDouble("seconds")));
    if (p.getString("error") != null) {
      b.append("**Not measured**: ").append(p.getString("error")).append("\n\n");
    }
    JsonObject raw = p.getJsonObject("queuedToAllocated");
    if (raw == null) {
      return b.toString();
    }
    JsonObject free = p.getJsonObject("queuedWhileCapacity");
    JsonObject frame = p.getJsonObject("allocatedToFrame");
    JsonObject createdFrame = p.getJsonObject("createdToFrame", new JsonObject().put("count", 0L).put("p50Ms", 0.0)
      .put("p99Ms", 0.0).put("p999Ms", 0.0).put("maxMs", 0.0).put("meanMs", 0.0));
    b.append("| figure | count | p50 ms | p99 ms | p99.9 ms | max ms | mean ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (Object[] row : new Object[][] {{"queued to allocated", raw}, {"of which while an eligible operator had a free"
      + " slot (target p99 <= 1 s)", free}, {"ALLOCATED to the operator's WebSocket frame", frame},
      {"CREATED to the first operator's frame (comparison: an event written through HTTP)", createdFrame}}) {
      JsonObject h = (JsonObject) row[1];
      b.append(String.format("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n", row[0], h.getLong("count"),
        h.getDouble("p50Ms"), h.getDouble("p99Ms"), h.getDouble("p999Ms"), h.getDouble("maxMs"),
        h.getDouble("meanMs")));
    }
    JsonObject s = p.getJsonObject("spread");
    b.append(String.format("%n- conversations queued in the window: %d; never allocated by the end: %d; waited for"
        + " capacity at some point: %d%n", p.getLong("conversationsInWindow"), p.getLong("neverAllocated"),
      p.getLong("waitedForCapacity")));
    b.append(String.format("- **over capacity: %d operators** (max held %d, %d events over); **double assignments:"
        + " %d** of %d ALLOCATED events %s; replay anomalies %d%s%n", p.getLong("operatorsOverCapacity"),
      p.getLong("maxHeld"), p.getLong("overCapacityEvents"), p.getLong("doubleAssignments"), p.getLong("allocated"),
      p.getJsonObject("allocatedByReason").encode(), p.getLong("anomalies"),
      p.getJsonArray("examples").isEmpty() ? "" : "; e.g. " + p.getJsonArray("examples").encode()));
    b.append(String.format("- GET /operator-status sampled %d times during the shift: max activeConversations %d,"
        + " capacities seen %s, %d answers over capacity%n", p.getLong("statusSamples"), p.getLong("statusMaxActive"),
      p.getJsonArray("statusCapacitiesSeen").encode(), p.getLong("statusOverCapacity")));
    b.append(String.format("- assignment spread over %d operators (whole run): min %d / mean %.2f / max %d conversations,"
        + " coefficient of variation %.3f%n", s.getInteger("operators"), s.getLong("min"), s.getDouble("mean"),
      s.getLong("max"), s.getDouble("cv")));
    b.append(String.format("- operators: %d assignment frames (%d duplicated), %d allocations without a frame, %d"
        + " resolved by the operators, %d resolve errors, %d resolved by the after-drain sweep, %d resyncs%s%n",
      p.getLong("assignmentFrames"), p.getLong("duplicateFrames"), p.getLong("allocationsWithoutFrame"),
      p.getLong("resolvedByOperators"), p.getLong("resolveErrors"), p.getLong("resolvedBySweep", 0L),
      p.getLong("resyncs"), p.getJsonArray("socketProblems").isEmpty() ? ""
        : "; socket problems " + p.getJsonArray("socketProblems").encode()));
    b.append(String.format("- events %s; drained in %s s (%s); tenant back in PULL: %s%n%n",
      p.getJsonObject("eventsByType").encode(), p.getValue("drainSeconds"), p.getJsonObject("statesAfterDrain",
        new JsonObject()).encode(), p.getValue("restoredToPull")));
    return b.toString();
  }
}
