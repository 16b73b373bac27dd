package io.inboxallocation.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own (initdb in a temporary directory, a free port), which a test may stop and start.
 * PostgreSQL refuses to run as root, so when the JVM runs as root the binaries run as the {@code postgres} OS user.
 */
public final class ThrowawayPostgres implements AutoCloseable {

  private static final List<String> BIN_DIRS = List.of("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/14/bin", "/usr/local/pgsql/bin", "/usr/bin");

  public final Path dir;
  public final int port;
  private final Path bin;
  private final boolean asPostgresUser;

  private ThrowawayPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** The directory holding initdb and pg_ctl, or null when none is installed. */
  public static Path binaries() {
    String env = System.getenv("PG_BIN");
    Stream<String> candidates = env == null ? BIN_DIRS.stream() : Stream.concat(Stream.of(env), BIN_DIRS.stream());
    return candidates.map(Path::of)
      .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
      .findFirst().orElse(null);
  }

  /** initdb + start; throws with the tool output when anything fails. */
  public static ThrowawayPostgres start() throws IOException, InterruptedException {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException("no initdb/pg_ctl found (set PG_BIN)");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "ia-pg-",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ThrowawayPostgres pg = new ThrowawayPostgres(bin, dir, freePort(), root);
    try {
      if (root) {
        pg.run(30, "chown", "postgres:postgres", dir.toString());
      }
      pg.runPg(60, "initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync",
        "-E", "UTF8");
      pg.startServer();
      return pg;
    } catch (IOException | InterruptedException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  public void startServer() throws IOException, InterruptedException {
    runPg(60, "pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "30",
      "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
      "start");
  }

  /** pg_ctl stop -m fast: open connections are terminated. */
  public void stopServer() throws IOException, InterruptedException {
    runPg(60, "pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-t", "30", "-m", "fast", "stop");
  }

  /** Stops the server (immediate) if running and removes the directory. Never throws. */
  @Override
  public void close() {
    try {
      if (Files.exists(dir.resolve("data/postmaster.pid"))) {
        runPg(60, "pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-m", "immediate", "stop");
      }
    } catch (Exception e) {
      System.err.println("throwaway PostgreSQL: stop failed: " + e.getMessage());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("throwaway PostgreSQL: cannot remove " + dir + ": " + e.getMessage());
    }
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void runPg(int seconds, String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(Arrays.asList(args));
    run(seconds, command.toArray(String[]::new));
  }

  private void run(int seconds, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(dir.resolve("tool-output").toFile()).directory(dir.toFile()).start();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in " + seconds + " s");
    }
    if (process.exitValue() != 0) {
      String output = Files.exists(dir.resolve("tool-output")) ? Files.readString(dir.resolve("tool-output")) : "";
      throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output
        + "\n" + log());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
