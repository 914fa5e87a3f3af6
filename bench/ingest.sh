#!/usr/bin/env bash
# Ingestion benchmark: bank POSTs against a Release (published) MoMo Portal on loopback, fresh data directory,
# wrk at 1, 16 and 64 connections (5 s warm-up + 15 s measured each). Prints a markdown table: payments/s,
# p50/p99 latency, non-2xx answers, server RSS, and checks that every 2xx is a committed row.
#   bench/ingest.sh                      DURATION=15 WARMUP=5 CONNS="1 16 64" PORT=5301
# With the reference anchors available, ANCHORS_DIR=<their folder> also runs the group-commit and gunicorn anchors
# in the same sitting (their run.sh), so the ratios compare like with like.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-${TMPDIR:-/tmp}/momo-bench-ingest}"
DURATION="${DURATION:-15}"; WARMUP="${WARMUP:-5}"; CONNS="${CONNS:-1 16 64}"; PORT="${PORT:-5301}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null

rm -rf "$WORK"; mkdir -p "$WORK"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$ROOT/MoMo.Portal/MoMo.Portal.csproj" -c Release -o "$WORK/portal" -v q -nologo >/dev/null
dotnet build "$ROOT/bench/MoMo.Portal.Bench/MoMo.Portal.Bench.csproj" -c Release -v q -nologo >/dev/null
KEY="mbk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
dotnet "$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll" seed-ingest --data "$WORK/data" --key "$KEY" --n 100

MoMo__DataDirectory="$WORK/data" ASPNETCORE_URLS="http://127.0.0.1:$PORT" ASPNETCORE_ENVIRONMENT=Production \
  Routing__RunBackgroundJobs=false Logging__LogLevel__Default=Warning \
  dotnet "$WORK/portal/MoMo.Portal.dll" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/openapi/v1.json" >/dev/null && break; sleep 0.2; done

rows() { sqlite3 "$WORK/data/momo.db" "SELECT COUNT(*) FROM Payments;"; }
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status"; }
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else printf "%.2f", v * 1000 }'; }

echo
echo "| connections | payments/s | p50 ms | p99 ms | non-2xx | 2xx | new rows | server RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in $CONNS; do
  t=$(( c < 2 ? 1 : 2 ))
  RUN="warm$c" API_KEY="$KEY" wrk -t"$t" -c"$c" -d"${WARMUP}s" -s "$ROOT/bench/wrk/momo-post.lua" "http://127.0.0.1:$PORT" >/dev/null
  before=$(rows)
  out=$(RUN="run$c" API_KEY="$KEY" wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -s "$ROOT/bench/wrk/momo-post.lua" "http://127.0.0.1:$PORT")
  sleep 1 # let requests still in flight when wrk stopped finish before counting
  after=$(rows)
  total=$(echo "$out" | awk '/requests in/ { print $1 }')
  non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }'); non2xx=${non2xx:-0}
  rps=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  echo "| $c | $rps | $p50 | $p99 | $non2xx | $((total - non2xx)) | $((after - before)) | $(rss_mb) |"
done

if [ -n "${ANCHORS_DIR:-}" ]; then
  echo
  echo "Anchors, same sitting:"
  kill $SERVER; wait $SERVER 2>/dev/null || true
  VARIANTS="${ANCHOR_VARIANTS:-B4-groupcommit,A-gunicorn-2w}" SKIP=webhook,dbsize DURATION="$DURATION" WARMUP="$WARMUP" \
    bash "$ANCHORS_DIR/run.sh"
fi
