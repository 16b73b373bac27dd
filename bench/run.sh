#!/usr/bin/env bash
# The benchmark harness of Inbox & Allocation (issue 3). See bench/README.md.
#
#   bench/run.sh                  full run (about 20 min): queue depths 1k / 100k / 1M, two poll shapes, ingest, mixed,
#                                 pgbench, plans; event feed: conditional poll, push over two nodes, idle sockets;
#                                 push shift (PUSH mode, 100 conversations/s, 50 operators of capacity 3)
#   bench/run.sh --smoke          ~1 min including builds (CI): tiny queue, ~3 s per scenario, plans reported only
#   bench/run.sh --regen-pgbench  rewrite bench/pgbench/*.sql from the service SQL (after changing it)
#   bench/run.sh --no-build ...   reuse the jars already built
#
# Environment: PGHOST PGPORT PGUSER (PGPASSWORD) for PostgreSQL (default 127.0.0.1:5432, postgres);
# BENCH_SERVICE_BUILD_DIR (default target) to build the service elsewhere (-DbuildDirectory), so a bench run does not
# touch a target/ another build is using; BENCH_SERVICE_JAVA_OPTS for the service JVM; BENCH_DEPTHS (e.g. 1000,100000),
# BENCH_WARMUP, BENCH_DURATION, BENCH_PGBENCH_SECONDS (seconds) to shorten or lengthen a run; BENCH_JIT_WARMUP (the
# most s a run's warm-up goes on while the service's JIT compilers are busy; default 90, smoke 0); BENCH_KEEP_DB=1;
# BENCH_COMPARE_WITH (a git revision, default HEAD) whose bench/results/latest.json is "the previous full run";
# BENCH_PUSH_SOCKETS, BENCH_PUSH_RATE (commands/s), BENCH_IDLE_SOCKETS for the WebSocket scenarios;
# BENCH_PUSH_SHIFT_RATE (conversations/s, default 100, smoke 50), BENCH_PUSH_SHIFT_SECONDS (measured window, default 40,
# smoke 3) for push shift; BENCH_WEBHOOK_LOAD_SECONDS (the webhooks scenario's flat-out loads and their controls,
# default 40), BENCH_WEBHOOK_OUTAGE_SECONDS (default 30); BENCH_ONLY=push-shift (comma-separated, of allocate, poll, ingest, mixed, webhooks, feed,
# push-shift)
# runs only those scenarios and writes results/partial.{json,md} instead.
# Exit status: non-zero when a scenario had errors, the double-allocation or push delivery check failed, push shift saw
# an operator over capacity or a double assignment, a WebSocket failed, pgbench failed, or (full run only) a plan check
# failed. Missed targets are reported in results/latest.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --smoke|--regen-pgbench) args+=("$arg") ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see bench/run.sh --help)" >&2; exit 2 ;;
  esac
done

build_dir="${BENCH_SERVICE_BUILD_DIR:-target}"
service_jar="$repo/$build_dir/inbox-allocation.jar"
bench_jar="$here/target/ia-bench.jar"

if ! command -v pgbench >/dev/null && [ ! -x /usr/lib/postgresql/15/bin/pgbench ]; then
  echo "pgbench not found (apt-get install postgresql-client-15)" >&2
  exit 2
fi

if [ "$build" = 1 ]; then
  t0=$(date +%s)
  echo "== building the service ($build_dir/inbox-allocation.jar) and the harness (bench/target/ia-bench.jar)"
  service_build=(./mvnw -q -B -Dmaven.test.skip=true package)
  if [ "$build_dir" != "target" ]; then
    service_build+=("-DbuildDirectory=$repo/$build_dir")
  fi
  # The two builds are independent: run them side by side.
  "${service_build[@]}" &
  service_pid=$!
  ./mvnw -q -B -f bench/pom.xml package
  wait "$service_pid"
  echo "   built in $(( $(date +%s) - t0 )) s"
fi

# The idle-sockets scenario holds 10,000 WebSockets: one descriptor each in the harness and in the service node (a
# child of the harness, so it inherits the limit). Raise the soft limit; fall back to the hard limit where 65536 is
# not allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== open files limit: $(ulimit -n)"

exec java -Xms64m -Xmx1g -XX:+UseParallelGC -jar "$bench_jar" --repo "$repo" --service-jar "$service_jar" ${args[@]+"${args[@]}"}
