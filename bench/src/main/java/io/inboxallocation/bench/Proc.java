package io.inboxallocation.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * /proc readings: the service's memory (VmRSS, VmHWM) and, per scenario, where the CPU went: the service JVM (and the
 * share of its JIT compilers), the PostgreSQL backends of the bench database, pgbench, this harness, and the rest of
 * the machine (other work running at the same time shows up there).
 */
final class Proc {

  private static final double TICKS = 100.0; // USER_HZ on Linux

  private Proc() {
  }

  /** kB value of a /proc/pid/status field, or -1. */
  static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** utime + stime in ticks, or -1. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime in ticks of the JVM's JIT compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}: the
   * thread names as /proc cuts them), or -1.
   */
  static long compilerTicks(long pid) {
    long ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks;
  }

  static String cmdline(Path procDir) {
    try {
      return new String(Files.readAllBytes(procDir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** [busy, total] jiffies of the whole machine. */
  static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 1};
    }
  }

  /** Samples every 250 ms: peak RSS of the service, and CPU ticks per category since {@link #window()} started. */
  static final class Sampler implements AutoCloseable {
    private final long servicePid;
    private final String database;
    private final Thread thread;
    private volatile boolean stop;
    volatile long peakRssKb;
    volatile long hwmKb;
    volatile long windowPeakRssKb;
    // per category: pid -> [baseline, last]
    private final Map<String, Map<Long, long[]>> cpu = new HashMap<>();
    private long[] machineStart;
    private long windowStartNs;

    Sampler(long servicePid, String database) {
      this.servicePid = servicePid;
      this.database = database;
      thread = new Thread(this::loop, "proc-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (!stop) {
        long rss = statusKb(servicePid, "VmRSS");
        long hwm = statusKb(servicePid, "VmHWM");
        if (rss > 0) {
          peakRssKb = Math.max(peakRssKb, rss);
          windowPeakRssKb = Math.max(windowPeakRssKb, rss);
        }
        if (hwm > 0) {
          hwmKb = hwm;
        }
        synchronized (this) {
          if (machineStart != null) {
            sampleCpu(false);
          }
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sampleCpu(boolean baseline) {
      note("service", servicePid, cpuTicks(servicePid), baseline);
      note("serviceJit", servicePid, compilerTicks(servicePid), baseline);
      long harness = ProcessHandle.current().pid();
      note("harness", harness, cpuTicks(harness), baseline);
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path d : dirs) {
          String cmd = cmdline(d);
          long pid = Long.parseLong(d.getFileName().toString());
          if (cmd.startsWith("postgres: ") && cmd.contains(" " + database + " ")) {
            note("postgres", pid, cpuTicks(pid), baseline);
          } else if (cmd.contains("pgbench") && cmd.contains(database)) {
            note("pgbench", pid, cpuTicks(pid), baseline);
          }
        }
      } catch (IOException | RuntimeException e) {
        // best effort
      }
    }

    private void note(String category, long pid, long t, boolean baseline) {
      if (t < 0) {
        return;
      }
      Map<Long, long[]> m = cpu.computeIfAbsent(category, k -> new HashMap<>());
      long[] v = m.get(pid);
      if (v == null) {
        m.put(pid, new long[] {baseline ? t : 0, t});
      } else {
        v[1] = Math.max(v[1], t);
      }
    }

    /** The service's JIT compiler threads' ticks so far (see {@link Proc#compilerTicks}). */
    long serviceCompilerTicks() {
      return compilerTicks(servicePid);
    }

    /** Starts a CPU window. */
    synchronized void window() {
      cpu.clear();
      windowPeakRssKb = 0;
      machineStart = machine();
      windowStartNs = System.nanoTime();
      sampleCpu(true);
    }

    /**
     * Cores used per category since {@link #window()} (1.0 = one core busy the whole time), plus the service's CPU
     * seconds in the window (the numerator of the CPU-per-request figure) and the window's length.
     */
    synchronized JsonObject cores() {
      sampleCpu(false);
      double seconds = (System.nanoTime() - windowStartNs) / 1e9;
      JsonObject out = new JsonObject();
      double ours = 0;
      for (String category : new String[] {"service", "postgres", "pgbench", "harness"}) {
        double c = cpuSeconds(category) / seconds;
        ours += c;
        out.put(category, Load.round(c));
      }
      long[] m = machine();
      double busyFraction = (double) (m[0] - machineStart[0]) / Math.max(1, m[1] - machineStart[1]);
      double machineCores = busyFraction * Runtime.getRuntime().availableProcessors();
      // part of the service's figure: its JIT compilers (high while the JVM still compiles the code the run exercises)
      out.put("serviceJit", Load.round(cpuSeconds("serviceJit") / seconds));
      out.put("machineBusy", Load.round(machineCores));
      out.put("other", Load.round(Math.max(0, machineCores - ours)));
      out.put("serviceRssPeakMb", Load.round(windowPeakRssKb / 1024.0));
      out.put("serviceCpuSeconds", Load.round(cpuSeconds("service")));
      out.put("windowSeconds", Load.round(seconds));
      return out;
    }

    private double cpuSeconds(String category) {
      long ticks = 0;
      for (long[] v : cpu.getOrDefault(category, Map.of()).values()) {
        ticks += v[1] - v[0];
      }
      return ticks / TICKS;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(2_000);
    }
  }
}
