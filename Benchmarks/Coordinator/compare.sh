#!/usr/bin/env bash
# What the coordinator costs a request, against a throwaway PostgreSQL on loopback (started
# here with the tests' postgres-up.sh: needs Debian's postgresql and root):
#   1. one shard, one request at a time: the median of a reservation and its settlement (the
#      issue's bound: at most 2 ms), against the in-process ledger of an uncoordinated shard;
#   2. 8 shard processes at once, 4 requests at a time each: reservations a second in all
#      (the issue's floor: 2,000).
# Each is repeated REPEATS times; prints each, then the medians and the ratio.
#
#   bash Benchmarks/Coordinator/compare.sh [VIGIL_BENCH] [RESERVATIONS] [REPEATS]
#
# VIGIL_BENCH defaults to a release build (swift build -c release --product vigil-bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${1:-$root/.build/release/vigil-bench}
reservations=${2:-2000}
repeats=${3:-3}
read -r url data < <(bash "$root/Tests/VigilTests/Coordinator/postgres-up.sh")
trap 'bash "$root/Tests/VigilTests/Coordinator/postgres-down.sh" "$data"; rm -rf "$(dirname "$(dirname "$data")")"' EXIT
results=$(mktemp -d)
for repeat in $(seq 1 "$repeats"); do
  "$bench" coordinator --url "$url" --run "one-$repeat" --reservations "$reservations" --concurrency 1 \
    > "$results/one-$repeat.json"
  for shard in $(seq 0 7); do
    "$bench" coordinator --url "$url" --run "eight-$repeat" --reservations "$((reservations / 2))" --concurrency 4 \
      > "$results/eight-$repeat-$shard.json" &
  done
  wait
done
python3 - "$results" "$repeats" <<'PY'
import json, os, statistics, sys
folder, repeats = sys.argv[1], int(sys.argv[2])
one = [json.load(open(f"{folder}/one-{r}.json")) for r in range(1, repeats + 1)]
for r, run in enumerate(one, 1):
    print(f"one shard, run {r}: median {run['median_ms']} ms, p95 {run['p95_ms']} ms a reservation+settlement; in-process ledger {run['local_median_ms']} ms")
rates = []
for r in range(1, repeats + 1):
    shards = [json.load(open(f"{folder}/eight-{r}-{s}.json")) for s in range(8)]
    # Reservations a second while all 8 ran: from the last start to the first end, each
    # shard's own rate summed (a shard that started late does not dilute the others).
    rate = sum(s["per_second"] for s in shards)
    rates.append(rate)
    print(f"8 shards, run {r}: {rate:.0f} reservations/s in all (each {min(s['per_second'] for s in shards):.0f}-{max(s['per_second'] for s in shards):.0f}/s), median {statistics.median(s['median_ms'] for s in shards):.2f} ms")
median = statistics.median(run["median_ms"] for run in one)
local = statistics.median(run["local_median_ms"] for run in one)
print(f"median: {median:.3f} ms a request through the coordinator (bound 2 ms), {local * 1000:.2f} µs through the in-process ledger: ratio {median / local:.0f}x")
print(f"median: {statistics.median(rates):.0f} reservations/s with 8 shards (floor 2,000)")
PY
rm -rf "$results"
