#!/usr/bin/env bash
# Ingestion benchmark: bank POSTs against a Release (published) MoMo Portal on loopback, fresh database,
# wrk at 1, 16 and 64 connections (5 s warm-up + 15 s measured each). Prints a markdown table: payments/s,
# p50/p99 latency, non-2xx answers, server RSS, CPU per payment, how busy the group-commit writer was and how many
# payments each commit took, and checks that every 2xx is a committed row.
#   bench/ingest.sh                      DURATION=15 WARMUP=5 CONNS="1 16 64" PORT=5301
# The scale-out profile: PROVIDER=postgres runs on a fresh PostgreSQL database (MOMO_BENCH_POSTGRES names the server,
# default: the throw-away cluster of `.ci/postgres start`), INSTANCES=2 starts two portals on it, each taking half of
# the connections (as a load balancer would spread them); payments/s is their sum, latency the worse of the two.
# With the reference anchors available, ANCHORS_DIR=<their folder> also runs the group-commit and gunicorn anchors
# in the same sitting (their run.sh), so the ratios compare like with like.
# UNKNOWN_EVERY=K names an unregistered payer in every K-th request, with the bank's policy set to hold them in
# suspense: each held payment is its own transaction (payment, case and proof), beside the group commit of the rest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-${TMPDIR:-/tmp}/momo-bench-ingest}"
DURATION="${DURATION:-15}"; WARMUP="${WARMUP:-5}"; CONNS="${CONNS:-1 16 64}"; PORT="${PORT:-5301}"
PROVIDER="${PROVIDER:-sqlite}"; INSTANCES="${INSTANCES:-1}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null

rm -rf "$WORK"; mkdir -p "$WORK"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$ROOT/MoMo.Portal/MoMo.Portal.csproj" -c Release -o "$WORK/portal" -v q -nologo >/dev/null
dotnet build "$ROOT/bench/MoMo.Portal.Bench/MoMo.Portal.Bench.csproj" -c Release -v q -nologo >/dev/null
KEY="mbk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

DATABASE=()
if [ "$PROVIDER" = postgres ]; then
  SERVER_CS="${MOMO_BENCH_POSTGRES:-$("$ROOT/.ci/postgres" start)}"
  psql_url() { local h p u; h=$(echo "$SERVER_CS" | sed -n 's/.*Host=\([^;]*\).*/\1/p'); p=$(echo "$SERVER_CS" | sed -n 's/.*Port=\([^;]*\).*/\1/p')
               u=$(echo "$SERVER_CS" | sed -n 's/.*Username=\([^;]*\).*/\1/p'); echo "host=$h port=${p:-5432} user=$u dbname=$1"; }
  DB_CS="$(echo "$SERVER_CS" | sed 's/Database=[^;]*//');Database=momo_bench"
  dotnet "$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll" create-database --postgres "$DB_CS"
  DATABASE=(--postgres "$DB_CS")
  rows() { psql -tAq "$(psql_url momo_bench)" -c 'SELECT COUNT(*) FROM "Payments"'; }
else
  rows() { sqlite3 "$WORK/data/momo.db" "SELECT COUNT(*) FROM Payments;"; }
fi
dotnet "$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll" seed-ingest --data "$WORK/data" "${DATABASE[@]}" --key "$KEY" --n 100 \
  ${UNKNOWN_EVERY:+--unknown-reference hold}

SERVERS=()
trap 'kill "${SERVERS[@]}" 2>/dev/null || true' EXIT
for i in $(seq 0 $((INSTANCES - 1))); do
  port=$((PORT + i))
  env MoMo__DataDirectory="$WORK/data" ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
    Routing__RunBackgroundJobs=false Logging__LogLevel__Default=Warning Intake__RequestsPerSecondPerBank=1000000 MoMo__AllowUnprotectedKeys=true \
    ${DB_CS:+Database__Provider=Postgres "ConnectionStrings__MoMo=$DB_CS"} \
    dotnet "$WORK/portal/MoMo.Portal.dll" > "$WORK/server$i.log" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
done

rss_mb() { local total=0; for pid in "${SERVERS[@]}"; do total=$((total + $(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"))); done; echo "$total"; }
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else printf "%.2f", v * 1000 }'; }
max() { printf '%s\n' "$@" | sort -g | tail -n 1; }
# CPU time (clock ticks) used so far by the given processes: utime + stime from /proc/PID/stat.
ticks() { local total=0 pid; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo "$total"; }
db_ticks() { if [ "$PROVIDER" = postgres ]; then ticks $(pgrep -u postgres postgres || true); else echo 0; fi; }
# The group-commit writers' own account, from the portal's /metrics (loopback may read it): seconds spent in commits,
# commits and payments committed so far, summed over the instances. Commit seconds over the run's seconds is how busy
# the writer was: near 100 % on SQLite, its one writer is what the banks wait for (PostgreSQL runs four per instance).
commits() { local i; for i in $(seq 0 $((INSTANCES - 1))); do curl -sf "http://127.0.0.1:$((PORT + i))/metrics"; done |
  awk '/^momo_ingestion_commit_duration_seconds_sum/ { s += $2 } /^momo_ingestion_commit_duration_seconds_count/ { c += $2 }
       /^momo_ingestion_batch_size_sum/ { p += $2 } END { printf "%s %d %d", s + 0, c, p }'; }
us_per() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-" }'; }

echo
echo "database: $PROVIDER, instances: $INSTANCES"
echo "| connections | payments/s | p50 ms | p99 ms | non-2xx | 2xx | new rows | server RSS MB | portal CPU µs/payment | PostgreSQL CPU µs/payment | writer busy | payments/commit |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in $CONNS; do
  per=$(( c / INSTANCES > 0 ? c / INSTANCES : 1 )); t=$(( per < 2 ? 1 : 2 ))
  WRKS=()
  for i in $(seq 0 $((INSTANCES - 1))); do
    RUN="warm$c-$i" API_KEY="$KEY" UNKNOWN_EVERY="${UNKNOWN_EVERY:-0}" wrk -t"$t" -c"$per" -d"${WARMUP}s" -s "$ROOT/bench/wrk/momo-post.lua" "http://127.0.0.1:$((PORT + i))" >/dev/null &
    WRKS+=($!)
  done
  wait "${WRKS[@]}"
  before=$(rows); app_before=$(ticks "${SERVERS[@]}"); db_before=$(db_ticks); read -r commit_s0 commits0 committed0 <<< "$(commits)"; t0=$(date +%s.%N)
  WRKS=()
  for i in $(seq 0 $((INSTANCES - 1))); do
    RUN="run$c-$i" API_KEY="$KEY" UNKNOWN_EVERY="${UNKNOWN_EVERY:-0}" wrk -t"$t" -c"$per" -d"${DURATION}s" --latency -s "$ROOT/bench/wrk/momo-post.lua" \
      "http://127.0.0.1:$((PORT + i))" > "$WORK/wrk$i.out" &
    WRKS+=($!)
  done
  wait "${WRKS[@]}"
  read -r commit_s1 commits1 committed1 <<< "$(commits)"; t1=$(date +%s.%N)
  sleep 1 # let requests still in flight when wrk stopped finish before counting
  after=$(rows); app_used=$(( $(ticks "${SERVERS[@]}") - app_before )); db_used=$(( $(db_ticks) - db_before ))
  writer=$(awk -v s="$commit_s0" -v S="$commit_s1" -v t="$t0" -v T="$t1" -v c="$commits0" -v C="$commits1" -v p="$committed0" -v P="$committed1" \
    'BEGIN { printf "%.0f %% | %.1f", 100 * (S - s) / (T - t), (C > c ? (P - p) / (C - c) : 0) }')
  total=0; non2xx=0; rps=0; p50s=(); p99s=()
  for i in $(seq 0 $((INSTANCES - 1))); do
    out=$(cat "$WORK/wrk$i.out")
    total=$((total + $(echo "$out" | awk '/requests in/ { print $1 }')))
    n=$(echo "$out" | awk '/Non-2xx/ { print $NF }'); non2xx=$((non2xx + ${n:-0}))
    rps=$((rps + $(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')))
    p50s+=("$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")")
    p99s+=("$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")")
  done
  db_cpu=$([ "$PROVIDER" = postgres ] && us_per "$db_used" $((after - before)) || echo "in process")
  echo "| $((per * INSTANCES)) | $rps | $(max "${p50s[@]}") | $(max "${p99s[@]}") | $non2xx | $((total - non2xx)) | $((after - before)) | $(rss_mb) | $(us_per "$app_used" $((after - before))) | $db_cpu | $writer |"
done

if [ -n "${ANCHORS_DIR:-}" ]; then
  echo
  echo "Anchors, same sitting:"
  kill "${SERVERS[@]}"; wait "${SERVERS[@]}" 2>/dev/null || true
  VARIANTS="${ANCHOR_VARIANTS:-B4-groupcommit,A-gunicorn-2w}" SKIP=webhook,dbsize DURATION="$DURATION" WARMUP="$WARMUP" \
    bash "$ANCHORS_DIR/run.sh"
fi
