#!/usr/bin/env bash
# Benchmarks Vigil against its peers, measured in the same run, and prints medians and ratios.
# Run from anywhere: bash Benchmarks/compare.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
if [ "${1:-}" = "--runs" ]; then runs=$2; fi
peers=../shared/peers
events=200000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building release..." >&2
swift build -c release --product vigil-bench >&2
bench=.build/release/vigil-bench

# median of the events_per_sec field over $runs runs of a command printing one JSON line
median_rate() {
  for _ in $(seq "$runs"); do "$@"; done | python3 -c '
import json, statistics, sys
rates = [json.loads(line)["events_per_sec"] for line in sys.stdin if line.strip()]
print(statistics.median(rates))'
}

seed_log=$(median_rate python3 "$peers/bench_seed_bus.py" --events $events --log "$tmp/seed.jsonl" --subscribers 0)
seed_mem=$(median_rate python3 "$peers/bench_seed_bus.py" --events $events --log none --subscribers 0)
vigil_log=$(median_rate "$bench" bus --events $events --log "$tmp/vigil.jsonl" --subscribers 0)
vigil_mem=$(median_rate "$bench" bus --events $events --log none --subscribers 0)
vigil_mem3=$(median_rate "$bench" bus --events $events --log none --subscribers 1)

python3 - "$seed_log" "$seed_mem" "$vigil_log" "$vigil_mem" "$vigil_mem3" "$runs" <<'PY'
import sys
seed_log, seed_mem, vigil_log, vigil_mem, vigil_mem3 = map(float, sys.argv[1:6])
runs = sys.argv[6]
print(f"Event bus, 200,000 events, median of {runs} runs (events/s)")
print(f"{'case':44} {'seed bus':>12} {'vigil':>12} {'ratio':>8}")
print(f"{'with JSONL log, 2 consumers':44} {seed_log:>12,.0f} {vigil_log:>12,.0f} {vigil_log/seed_log:>7.1f}x")
print(f"{'in memory, 2 consumers':44} {seed_mem:>12,.0f} {vigil_mem:>12,.0f} {vigil_mem/seed_mem:>7.1f}x")
print(f"{'in memory, 3 consumers':44} {'':>12} {vigil_mem3:>12,.0f}")
PY
