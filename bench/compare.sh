#!/usr/bin/env bash
# Ingestion A/B in one sitting, for changes smaller than this machine's noise (runs of one build vary by ±15 %):
# checks out each revision in a git worktree, then runs bench/ingest.sh of each in turn, ROUNDS times, and with
# ANCHORS_DIR set the group-commit anchor after each round. Prints every run, then the means and their ratios: quote
# the ratio of the means of runs that alternated, never one run against another.
#   bench/compare.sh BEFORE AFTER [MORE...]   ROUNDS=4 CONNS=64 DURATION=15 WARMUP=5 PORT=5311 ANCHORS_DIR=<anchors>
# A revision is anything git names (a commit, a branch, HEAD~2); "." is the working tree as it is, uncommitted
# changes included. Other settings (PROVIDER, environment variables for the portal) pass through to bench/ingest.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { sed -n "2,8p" "$0"; exit 2; }
ROUNDS="${ROUNDS:-4}"; export CONNS="${CONNS:-64}" DURATION="${DURATION:-15}" WARMUP="${WARMUP:-5}" PORT="${PORT:-5311}"
[[ "$CONNS" =~ ^[0-9]+$ ]] || { echo "CONNS must be one connection count" >&2; exit 2; }
WORK="${WORK:-${TMPDIR:-/tmp}/momo-bench-compare}"
rm -rf "$WORK"; mkdir -p "$WORK"

DIRS=()
cleanup() { for dir in "${DIRS[@]}"; do [ "$dir" = "$ROOT" ] || git -C "$ROOT" worktree remove --force "$dir" 2>/dev/null || true; done; }
trap cleanup EXIT
for i in $(seq 1 $#); do
  rev="${!i}"
  if [ "$rev" = . ]; then DIRS+=("$ROOT"); else
    git -C "$ROOT" worktree add --detach -q "$WORK/build$i" "$rev"; DIRS+=("$WORK/build$i"); fi
done

# One ingest run: "payments/s p99-ms cpu-µs-per-payment", from the c=$CONNS row of the build's own bench/ingest.sh.
ingest() { (cd "$1" && WORK="$WORK/run" bash bench/ingest.sh 2>/dev/null) | awk -F'|' -v c="$CONNS" '$2 + 0 == c && $3 + 0 > 0 { print $3 + 0, $5 + 0, $10 + 0 }'; }
anchor() { VARIANTS=B4-groupcommit SKIP=webhook,dbsize DURATION="$DURATION" WARMUP="$WARMUP" bash "$ANCHORS_DIR/run.sh" 2>/dev/null |
  awk -v c="c=$CONNS" '$2 == "B4-groupcommit" && $3 == c { print $4 }'; }

echo "| round | build | payments/s | p99 ms | portal CPU µs/payment |"
echo "|---:|---|---:|---:|---:|"
declare -A sums counts
for round in $(seq "$ROUNDS"); do
  for i in $(seq 1 $#); do
    read -r rate p99 cpu <<< "$(ingest "${DIRS[$((i - 1))]}")"
    echo "| $round | ${!i} | ${rate:-failed} | ${p99:--} | ${cpu:--} |"
    [ -n "${rate:-}" ] && { sums[$i]=$(( ${sums[$i]:-0} + rate )); counts[$i]=$(( ${counts[$i]:-0} + 1 )); }
  done
  if [ -n "${ANCHORS_DIR:-}" ]; then
    rate=$(anchor); echo "| $round | anchor, group commit | ${rate:-failed} | | |"
    [ -n "$rate" ] && { sums[anchor]=$(( ${sums[anchor]:-0} + rate )); counts[anchor]=$(( ${counts[anchor]:-0} + 1 )); }
  fi
done

mean() { [ "${counts[$1]:-0}" -gt 0 ] && echo $(( sums[$1] / counts[$1] )) || echo 0; }
echo
echo "| build | runs | mean payments/s | against ${1} | against the anchor |"
echo "|---|---:|---:|---:|---:|"
for i in $(seq 1 $#); do
  awk -v b="${!i}" -v n="${counts[$i]:-0}" -v m="$(mean "$i")" -v first="$(mean 1)" -v a="$(mean anchor)" 'BEGIN {
    printf "| %s | %d | %d | %s | %s |\n", b, n, m, (first > 0 ? sprintf("%+.1f %%", 100 * (m / first - 1)) : "-"),
      (a > 0 ? sprintf("%.0f %%", 100 * m / a) : "-") }'
done
[ -z "${ANCHORS_DIR:-}" ] || echo "| anchor, group commit | ${counts[anchor]:-0} | $(mean anchor) | | |"
