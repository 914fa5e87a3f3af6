#!/usr/bin/env bash
# Anonymous flood: wrk sends 60 KB bodies with a guessed key to made-up bank codes (bench/wrk/anonymous-flood.lua)
# from one attacker's address against a Release (published) portal on loopback with a fresh SQLite database, while a
# real bank sends payments from its own address. Prints the answers by status, what the database grew by (after a checkpoint), the
# intake rows and proofs the flood left, and the real bank's throughput and p99 during the flood.
#   bench/flood.sh                      DURATION=10 CONNS=16 PORT=5311 ROOT_OVERRIDE=<another checkout to measure>
set -euo pipefail
ROOT="${ROOT_OVERRIDE:-$(cd "$(dirname "$0")/.." && pwd)}"
BENCH="$(cd "$(dirname "$0")" && pwd)"
WORK="${WORK:-${TMPDIR:-/tmp}/momo-bench-flood}"
DURATION="${DURATION:-10}"; CONNS="${CONNS:-16}"; PORT="${PORT:-5311}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null

rm -rf "$WORK"; mkdir -p "$WORK"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$ROOT/MoMo.Portal/MoMo.Portal.csproj" -c Release -o "$WORK/portal" -v q -nologo >/dev/null
dotnet build "$ROOT/bench/MoMo.Portal.Bench/MoMo.Portal.Bench.csproj" -c Release -v q -nologo >/dev/null
KEY="mbk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
dotnet "$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll" seed-ingest --data "$WORK/data" --key "$KEY" --n 100

env MoMo__DataDirectory="$WORK/data" ASPNETCORE_URLS="http://127.0.0.1:$PORT" ASPNETCORE_ENVIRONMENT=Production \
  Routing__RunBackgroundJobs=false Logging__LogLevel__Default=Warning MoMo__AllowUnprotectedKeys=true \
  dotnet "$WORK/portal/MoMo.Portal.dll" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done

db_bytes() { sqlite3 "$WORK/data/momo.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; stat -c %s "$WORK/data/momo.db"; }
count() { sqlite3 "$WORK/data/momo.db" "SELECT COUNT(*) FROM $1;"; }
before=$(db_bytes); proofs_before=$(count RequestProofs); intake_before=$(count IntakeRecords)

RUN=flood API_KEY="$KEY" wrk -t2 -c4 -d"${DURATION}s" --latency -s "$BENCH/wrk/momo-post.lua" "http://127.0.0.1:$PORT" > "$WORK/bank.out" &
BANK=$!
wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$BENCH/wrk/anonymous-flood.lua" "http://127.0.0.1:$PORT" > "$WORK/flood.out"
wait $BANK
sleep 1

echo
echo "flood: $CONNS connections for ${DURATION}s, 60 KB bodies, guessed key, a new made-up bank code each request"
awk '/^flood:/ { print }' "$WORK/flood.out"
echo "flood requests/s: $(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$WORK/flood.out")"
echo "database grew by: $(( ($(db_bytes) - before) / 1024 )) KB; proofs added: $(( $(count RequestProofs) - proofs_before )); intake rows added: $(( $(count IntakeRecords) - intake_before ))"
echo "real bank meanwhile (4 connections): $(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$WORK/bank.out") payments/s, p99 $(awk '$1 == "99%" { print $2 }' "$WORK/bank.out")"
