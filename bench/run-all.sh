#!/usr/bin/env bash
# Every benchmark in one sitting, Release builds, loopback only: ingestion (with the anchors when ANCHORS_DIR is set),
# routing drain (plain and with a slow partner), end-to-end latency, the highest bank rate sustained with the router on,
# the Payments page over a million payments, and
# the scale-out profile on PostgreSQL (a throw-away server from .ci/postgres unless MOMO_BENCH_POSTGRES names one).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll"
dotnet build "$ROOT/bench/MoMo.Portal.Bench/MoMo.Portal.Bench.csproj" -c Release -v q -nologo >/dev/null

echo "## Ingestion"; bash "$ROOT/bench/ingest.sh"
echo "## Anonymous flood"; bash "$ROOT/bench/flood.sh"
echo; echo "## Routing"; dotnet "$BENCH" route --payments 100000; dotnet "$BENCH" route --payments 100000 --warmup 0
dotnet "$BENCH" route --payments 100000 --slow-ms 2000
echo; echo "## End to end"; dotnet "$BENCH" e2e --rate 200 --seconds 20
echo; echo "## Sustained capacity, ingest and route together (SQLite)"; dotnet "$BENCH" sustain --seconds 60 --start 1500
echo; echo "## Portal"; dotnet "$BENCH" portal --payments 1000000
echo; echo "## Scale-out profile (PostgreSQL)"
SERVER_CS="${MOMO_BENCH_POSTGRES:-$("$ROOT/.ci/postgres" start)}"
PROVIDER=postgres MOMO_BENCH_POSTGRES="$SERVER_CS" bash "$ROOT/bench/ingest.sh"
PROVIDER=postgres INSTANCES=2 MOMO_BENCH_POSTGRES="$SERVER_CS" bash "$ROOT/bench/ingest.sh"
ROUTE_CS="$(echo "$SERVER_CS" | sed 's/Database=[^;]*//');Database=momo_route"
dotnet "$BENCH" route --payments 100000 --postgres "$ROUTE_CS"
echo; echo "## Sustained capacity, ingest and route together (PostgreSQL)"
dotnet "$BENCH" sustain --seconds 60 --start 1500 --postgres "$(echo "$SERVER_CS" | sed 's/Database=[^;]*//');Database=momo_sustain"
