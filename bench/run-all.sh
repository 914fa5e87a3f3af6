#!/usr/bin/env bash
# Every benchmark in one sitting, Release builds, loopback only: ingestion (with the anchors when ANCHORS_DIR is set),
# routing drain (plain and with a slow partner), end-to-end latency, and the Payments page over a million payments.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/bench/MoMo.Portal.Bench/bin/Release/net10.0/MoMo.Portal.Bench.dll"
dotnet build "$ROOT/bench/MoMo.Portal.Bench/MoMo.Portal.Bench.csproj" -c Release -v q -nologo >/dev/null

echo "## Ingestion"; bash "$ROOT/bench/ingest.sh"
echo; echo "## Routing"; dotnet "$BENCH" route --payments 100000; dotnet "$BENCH" route --payments 100000 --slow-ms 2000
echo; echo "## End to end"; dotnet "$BENCH" e2e --rate 200 --seconds 20
echo; echo "## Portal"; dotnet "$BENCH" portal --payments 1000000
