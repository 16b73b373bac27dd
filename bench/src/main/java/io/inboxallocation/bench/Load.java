package io.inboxallocation.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Closed-loop HTTP load: each simulated client runs one iteration (one or more requests) and starts the next as soon
 * as it ends. Everything runs on one event loop, so the statistics need no locking beyond the read at the end.
 * The measured window is also the CPU window of the {@link Proc.Sampler}, so CPU figures and request counts cover
 * the same seconds (no warm-up, no drain).
 */
final class Load implements AutoCloseable {

  /** One operation's figures within the measured window. */
  static final class Stats {
    final String op;
    final Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long ok;
    long empty;
    long errors;
    final Map<Integer, Long> codes = new TreeMap<>();

    Stats(String op) {
      this.op = op;
    }

    long total() {
      return ok + empty + errors;
    }

    double ms(double percentile) {
      return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    JsonObject json(double seconds) {
      JsonObject codesJson = new JsonObject();
      codes.forEach((code, n) -> codesJson.put(String.valueOf(code), n));
      return new JsonObject().put("op", op).put("count", total()).put("ok", ok).put("empty", empty)
        .put("errors", errors).put("perSecond", round(total() / seconds))
        .put("p50Ms", round(ms(50))).put("p99Ms", round(ms(99))).put("p999Ms", round(ms(99.9)))
        .put("maxMs", round(micros.getMaxValue() / 1000.0)).put("meanMs", round(micros.getMean() / 1000.0))
        .put("statusCodes", codesJson);
    }
  }

  /** A latency histogram in microseconds as the report shows it: count and milliseconds. */
  static JsonObject histogram(Histogram h) {
    boolean empty = h.getTotalCount() == 0;
    return new JsonObject().put("count", h.getTotalCount())
      .put("p50Ms", empty ? 0.0 : round(h.getValueAtPercentile(50) / 1000.0))
      .put("p99Ms", empty ? 0.0 : round(h.getValueAtPercentile(99) / 1000.0))
      .put("p999Ms", empty ? 0.0 : round(h.getValueAtPercentile(99.9) / 1000.0))
      .put("maxMs", empty ? 0.0 : round(h.getMaxValue() / 1000.0))
      .put("meanMs", empty ? 0.0 : round(h.getMean() / 1000.0));
  }

  /** A group of identical clients; {@code iteration} gets the client index and runs one loop body. */
  record Group(String name, int clients, Function<Integer, Future<?>> iteration) {
  }

  /** What a run measured; {@code cores} is {@link Proc.Sampler#cores()} over the measured window. */
  record Result(String scenario, double seconds, Map<String, Stats> stats, List<String> errorSamples, JsonObject cores) {
    long errors() {
      return stats.values().stream().mapToLong(s -> s.errors).sum();
    }

    /** HTTP requests of every operation in the window. */
    long requests() {
      return stats.values().stream().mapToLong(Stats::total).sum();
    }

    /** Service JVM CPU time in the window over the requests of the window, in microseconds; null without requests. */
    Double serviceCpuUsPerRequest() {
      long n = requests();
      return n == 0 ? null : round(cores.getDouble("serviceCpuSeconds") * 1e6 / n);
    }
  }

  /** Compilers below this share of one core over {@link #QUIET_SECONDS} count as done with the run's code. */
  static final double QUIET_COMPILER_CORES = 0.05;
  static final int QUIET_SECONDS = 3;

  final Vertx vertx;
  private final WebClient client;
  private final int port;
  private final Proc.Sampler sampler;
  private final double maxJitWaitSeconds;
  private volatile boolean running;
  private volatile boolean measuring;
  private final Map<String, Stats> stats = new LinkedHashMap<>();
  private final List<String> errorSamples = new ArrayList<>();

  /**
   * {@code maxJitWaitSeconds}: how long a run's warm-up may be extended while the service's JIT compilers are busy
   * (see {@link #waitForQuietCompilers}).
   */
  Load(int port, int maxConnections, Proc.Sampler sampler, double maxJitWaitSeconds) {
    this.port = port;
    this.sampler = sampler;
    this.maxJitWaitSeconds = maxJitWaitSeconds;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
    // Keep-alive shorter than the service's 30 s idle timeout, as any well-behaved client's: otherwise a connection
    // left idle between scenarios is reused just as the server closes it.
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setKeepAliveTimeout(10)
        .setTcpNoDelay(true).setConnectTimeout(5_000).setIdleTimeout(60).setUserAgentEnabled(false),
      new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
  }

  boolean running() {
    return running;
  }

  /** Whether a request sent now falls in a run's measured window. */
  boolean measuring() {
    return measuring;
  }

  /**
   * One request. {@code expected} are the non-error codes; 204 on {@code emptyOk} counts as "empty" (allocate on an
   * empty queue). Anything else (and transport failures) is an error, with a sample kept for the report.
   */
  Future<HttpResponse<Buffer>> call(String op, HttpMethod method, String uri, String token, JsonObject body,
                                    Set<Integer> expected) {
    return call(op, method, uri, token, body, expected, null);
  }

  /** {@link #call} with extra request headers (e.g. If-None-Match); null or empty: none. */
  Future<HttpResponse<Buffer>> call(String op, HttpMethod method, String uri, String token, JsonObject body,
                                    Set<Integer> expected, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", uri).timeout(30_000);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    if (headers != null) {
      headers.forEach(request::putHeader);
    }
    boolean counted = measuring;
    long start = System.nanoTime();
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.andThen(ar -> {
      long micros = (System.nanoTime() - start) / 1_000;
      int code = ar.succeeded() ? ar.result().statusCode() : -1;
      boolean good = ar.succeeded() && expected.contains(code);
      if (!good) {
        sample(method + " " + uri + (body == null ? "" : " " + body.encode()) + " -> "
          + (ar.succeeded() ? code + " " + abbreviate(ar.result().bodyAsString()) : ar.cause().toString()));
      }
      if (!counted) {
        return;
      }
      Stats s = stats.computeIfAbsent(op, Stats::new);
      s.micros.recordValue(Math.min(micros, s.micros.getHighestTrackableValue()));
      s.codes.merge(code, 1L, Long::sum);
      if (!good) {
        s.errors++;
      } else if (code == 204) {
        s.empty++;
      } else {
        s.ok++;
      }
    });
  }

  private void sample(String line) {
    synchronized (errorSamples) {
      if (errorSamples.size() < 20) {
        errorSamples.add(line);
      }
    }
  }

  Future<Void> sleep(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, ms), id -> p.complete());
    return p.future();
  }

  /** Runs the groups: warm-up, then the measured window with a progress line every {@code progressSeconds}. */
  Result run(String scenario, List<Group> groups, double warmupSeconds, double seconds, double progressSeconds)
    throws InterruptedException {
    return run(scenario, groups, warmupSeconds, seconds, progressSeconds, null);
  }

  /**
   * {@link #run} that also calls {@code atWindowStart} (from the calling thread) when the measured window opens, right
   * after the CPU window of the sampler: where a scenario starts figures of its own (another node's CPU, WebSocket
   * frames).
   */
  Result run(String scenario, List<Group> groups, double warmupSeconds, double seconds, double progressSeconds,
             Runnable atWindowStart) throws InterruptedException {
    stats.clear();
    synchronized (errorSamples) {
      errorSamples.clear();
    }
    int clients = groups.stream().mapToInt(Group::clients).sum();
    CountDownLatch stopped = new CountDownLatch(clients);
    running = true;
    measuring = false;
    vertx.runOnContext(v -> {
      for (Group g : groups) {
        for (int i = 0; i < g.clients(); i++) {
          loop(g, i, stopped);
        }
      }
    });
    Thread.sleep((long) (warmupSeconds * 1000));
    double jitWait = waitForQuietCompilers(scenario);
    sampler.window();
    if (atWindowStart != null) {
      atWindowStart.run();
    }
    CountDownLatch reset = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      stats.clear();
      measuring = true;
      reset.countDown();
    });
    reset.await();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long lastOps = 0;
    long lastAt = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      Thread.sleep(Math.min((long) (progressSeconds * 1000), (end - now) / 1_000_000 + 1));
      now = System.nanoTime();
      long ops = totalOps();
      double rate = (ops - lastOps) / ((now - lastAt) / 1e9);
      System.out.printf("  [%s] %5.1fs  ops=%d  rate=%.0f/s  errors=%d%n", scenario, (now - start) / 1e9, ops, rate,
        totalErrors());
      lastOps = ops;
      lastAt = now;
    }
    measuring = false;
    double elapsed = (System.nanoTime() - start) / 1e9;
    JsonObject cores = sampler.cores().put("jitWaitSeconds", round(jitWait));
    running = false;
    if (!stopped.await(60, TimeUnit.SECONDS)) {
      System.out.println("  [" + scenario + "] WARNING: clients still busy 60 s after the end");
    }
    Map<String, Stats> copy = new LinkedHashMap<>(stats);
    List<String> samples;
    synchronized (errorSamples) {
      samples = new ArrayList<>(errorSamples);
    }
    Result result = new Result(scenario, elapsed, copy, samples, cores);
    System.out.printf("  [%s] service CPU %.2f s over %d requests: %s us/request%n", scenario,
      cores.getDouble("serviceCpuSeconds"), result.requests(), result.serviceCpuUsPerRequest());
    return result;
  }

  /**
   * Extends the warm-up, load still running, until the service's JIT compilers have used less than
   * {@value #QUIET_COMPILER_CORES} of a core over the last {@value #QUIET_SECONDS} s, for at most
   * {@code maxJitWaitSeconds}; returns the seconds waited. Under load on two cores the compilers get a third of a core
   * and take 30 to 50 s to compile what a fresh JVM's first run needs (per-thread CPU of the service,
   * bench/results/issue11-same-hour.md); a fixed warm-up left some runs measuring compilation and others not, and
   * runs of one build a minute apart differed by a third.
   */
  private double waitForQuietCompilers(String scenario) throws InterruptedException {
    if (maxJitWaitSeconds <= 0) {
      return 0;
    }
    long start = System.nanoTime();
    long deadline = start + (long) (maxJitWaitSeconds * 1e9);
    ArrayDeque<Long> ticks = new ArrayDeque<>(List.of(sampler.serviceCompilerTicks()));
    double cores = Double.NaN;
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      ticks.addLast(sampler.serviceCompilerTicks());
      if (ticks.size() > QUIET_SECONDS + 1) {
        ticks.removeFirst();
      }
      if (ticks.size() == QUIET_SECONDS + 1) {
        cores = (ticks.getLast() - ticks.getFirst()) / 100.0 / QUIET_SECONDS;
        if (cores < QUIET_COMPILER_CORES) {
          break;
        }
      }
    }
    double waited = (System.nanoTime() - start) / 1e9;
    System.out.printf("  [%s] JIT: %.0f s more warm-up, compilers at %.3f cores %s%n", scenario, waited, cores,
      cores < QUIET_COMPILER_CORES ? "(quiet)" : "(still compiling: the limit BENCH_JIT_WARMUP was reached)");
    return waited;
  }

  private long totalOps() {
    CountDownLatch l = new CountDownLatch(1);
    long[] n = new long[1];
    vertx.runOnContext(v -> {
      n[0] = stats.values().stream().mapToLong(Stats::total).sum();
      l.countDown();
    });
    try {
      l.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return n[0];
  }

  private long totalErrors() {
    CountDownLatch l = new CountDownLatch(1);
    long[] n = new long[1];
    vertx.runOnContext(v -> {
      n[0] = stats.values().stream().mapToLong(s -> s.errors).sum();
      l.countDown();
    });
    try {
      l.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return n[0];
  }

  private void loop(Group g, int index, CountDownLatch stopped) {
    if (!running) {
      stopped.countDown();
      return;
    }
    Future<?> f;
    try {
      f = g.iteration().apply(index);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        sample(g.name() + ": " + ar.cause());
        // a transport failure: do not spin
        vertx.setTimer(20, id -> loop(g, index, stopped));
      } else {
        loop(g, index, stopped);
      }
    });
  }

  static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @Override
  public void close() {
    client.close();
    vertx.close().await();
  }
}
