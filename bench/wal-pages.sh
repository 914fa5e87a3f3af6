#!/usr/bin/env bash
# Which B-trees the ingestion writer's commits touch: drives POST /africa_bank at 64 connections, kills the portal with
# SIGKILL (so the write-ahead log stays as it was), then reads the log's frame headers — every frame is one 4 KB page
# written by a commit — and names the table or index each page belongs to (SQLite's dbstat). A kill finds between none
# and 4,000 pages of log since its last restart (the checkpoint threshold), so it repeats load and kill until it has
# read MIN_COMMITS commits. Prints pages per commit and per payment, by B-tree.
#   bench/wal-pages.sh            DURATION=8 CONNS=64 MIN_COMMITS=100 PORT=5302
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-${TMPDIR:-/tmp}/momo-bench-wal}"; DURATION="${DURATION:-8}"; CONNS="${CONNS:-64}"; PORT="${PORT:-5302}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null

rm -rf "$WORK"; mkdir -p "$WORK"
dotnet publish "$ROOT/MoMo.Portal/MoMo.Portal.csproj" -c Release -o "$WORK/portal" -v q -nologo >/dev/null
dotnet build "$ROOT/bench/MoMo.Portal.Bench/MoMo.Portal.Bench.csproj" -c Release -v q -nologo >/dev/null
KEY="mbk_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
dotnet "$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll" seed-ingest --data "$WORK/data" --key "$KEY" --n 100 >/dev/null

# Prints "commit page" for every frame of a committed transaction since the log's last restart.
# WAL format (sqlite.org/fileformat2.html#walformat): a 32-byte header, then frames of a 24-byte header and one page.
# Frames left from before the last restart carry other salts; a transaction cut off by the kill has no commit frame.
cat > "$WORK/frames.py" <<'PY'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    header = f.read(32)
    page_size, salts = struct.unpack('>I', header[8:12])[0], header[16:24]
    commit, pending = int(sys.argv[2]), []
    while len(frame := f.read(24)) == 24:
        page, commit_size = struct.unpack('>II', frame[:8])
        f.seek(page_size, 1)
        if frame[8:16] != salts:
            break
        pending.append(page)
        if commit_size:
            print('\n'.join(f'{commit} {p}' for p in pending))
            commit, pending = commit + 1, []
PY

: > "$WORK/pages.txt"; commits=0; payments=0; round=0
while [ "$commits" -lt "${MIN_COMMITS:-100}" ] && [ "$round" -lt 20 ]; do
  round=$((round + 1))
  env MoMo__DataDirectory="$WORK/data" ASPNETCORE_URLS="http://127.0.0.1:$PORT" ASPNETCORE_ENVIRONMENT=Production \
    Routing__RunBackgroundJobs=false Logging__LogLevel__Default=Warning Intake__RequestsPerSecondPerBank=1000000 MoMo__AllowUnprotectedKeys=true dotnet "$WORK/portal/MoMo.Portal.dll" > "$WORK/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
  RUN="wal$round-$RANDOM" API_KEY="$KEY" wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$ROOT/bench/wrk/momo-post.lua" \
    "http://127.0.0.1:$PORT" | awk -v r="$round" '/Requests\/sec/ { print "round " r ": " $2 " payments/s" }'
  kill -9 "$server"; wait "$server" 2>/dev/null || true

  # The database file alone is the state at the last checkpoint; with its log, the state at the kill.
  rm -rf "$WORK/at-checkpoint" "$WORK/at-kill"; mkdir -p "$WORK/at-checkpoint" "$WORK/at-kill"
  cp "$WORK/data/momo.db" "$WORK/at-checkpoint/"
  cp "$WORK/data/momo.db" "$WORK/data/momo.db-wal" "$WORK/at-kill/"
  python3 "$WORK/frames.py" "$WORK/at-kill/momo.db-wal" "$commits" > "$WORK/frames.txt"
  [ -s "$WORK/frames.txt" ] || continue
  sqlite3 "$WORK/at-kill/momo.db" "SELECT name, pageno FROM dbstat;" > "$WORK/owners.txt"
  # Page numbers name B-trees as of this round's end: label this round's frames now.
  awk -F'|' 'NR == FNR { owner[$2] = $1; next } { print $1, ($2 in owner ? owner[$2] : "(free)") }' \
    "$WORK/owners.txt" FS=' ' "$WORK/frames.txt" >> "$WORK/pages.txt"
  before=$(sqlite3 "$WORK/at-checkpoint/momo.db" 'SELECT COALESCE(MAX("Id"), 0) FROM "Payments";')
  after=$(sqlite3 "$WORK/at-kill/momo.db" 'SELECT COALESCE(MAX("Id"), 0) FROM "Payments";')
  commits=$(( $(tail -n 1 "$WORK/frames.txt" | cut -d' ' -f1) + 1 )); payments=$((payments + after - before))
done

printf '\n%d commits, %d payments (%.1f per commit), %d pages (%.1f per commit)\n\n' "$commits" "$payments" \
  "$(echo "$payments / $commits" | bc -l)" "$(wc -l < "$WORK/pages.txt")" "$(echo "$(wc -l < "$WORK/pages.txt") / $commits" | bc -l)"
echo "| B-tree | pages per commit | pages per payment |"; echo "|---|---:|---:|"
cut -d' ' -f2 "$WORK/pages.txt" | sort | uniq -c | sort -rn |
  awk -v c="$commits" -v p="$payments" '{ printf "| %s | %.1f | %.2f |\n", $2, $1 / c, $1 / p }'
