#!/usr/bin/env bash
# Start-up of the service, cold and with a class-data-sharing (CDS) archive: process start to the first 200 of
# GET /health, each start on a fresh database (so the Flyway migrations are included), the two kinds interleaved.
#
#   bench/startup.sh [JAR]        default target/inbox-allocation.jar; ROUNDS=4 pairs; JAVA_OPTS as the README's
#
# The archive is made first by one start of the service that is then stopped (-XX:ArchiveClassesAtExit), as a
# deployment would make it once per build. PostgreSQL as for bench/run.sh (PGHOST, PGPORT, PGUSER).
set -euo pipefail
jar="${1:-target/inbox-allocation.jar}"
rounds="${ROUNDS:-4}"
read -r -a opts <<< "${JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints the milliseconds from spawn to the first 200 of /health; extra arguments go to the JVM.
start_once() {
  local db="ia_startup_$RANDOM$RANDOM" port=$((20000 + RANDOM % 20000)) pid t0 t1
  psql -qc "CREATE DATABASE $db" postgres
  t0=$(date +%s%N)
  PGDATABASE=$db HTTP_PORT=$port MANAGEMENT_PORT=0 java "${opts[@]}" "$@" -jar "$jar" > "$work/service.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid" || true
  psql -qc "DROP DATABASE $db WITH (FORCE)" postgres
  grep -q "listening on port" "$work/service.log" || { cat "$work/service.log" >&2; exit 1; }
  echo $(( (t1 - t0) / 1000000 ))
}

start_once -XX:ArchiveClassesAtExit="$work/app.jsa" > /dev/null
cold=() cds=()
for _ in $(seq 1 "$rounds"); do
  cold+=("$(start_once)")
  cds+=("$(start_once -XX:SharedArchiveFile="$work/app.jsa")")
done
mean() { local sum=0; for v in "$@"; do sum=$((sum + v)); done; echo $((sum / $#)); }
echo "cold:          ${cold[*]} ms (mean $(mean "${cold[@]}") ms)"
echo "with CDS:      ${cds[*]} ms (mean $(mean "${cds[@]}") ms)"
