#!/usr/bin/env bash
# Runner overhead of two builds of vigil-bench, in alternating pairs (old, new, old, new, ...),
# so both see the same machine; prints each side's median us/item and the median of the
# per-pair ratios new/old.
#   bash Benchmarks/runner-ab.sh OLD_VIGIL_BENCH NEW_VIGIL_BENCH [PAIRS (default 15)] [ITEMS (default 100000)]
# Build each side with: swift build -c release --product vigil-bench (at the two commits).
set -euo pipefail
old=${1:?usage: $0 OLD_VIGIL_BENCH NEW_VIGIL_BENCH [PAIRS] [ITEMS]}
new=${2:?usage: $0 OLD_VIGIL_BENCH NEW_VIGIL_BENCH [PAIRS] [ITEMS]}
pairs=${3:-15}
items=${4:-100000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for _ in $(seq "$pairs"); do
  printf 'old %s\n' "$("$old" runner --items "$items" --concurrency 2)" >>"$out"
  printf 'new %s\n' "$("$new" runner --items "$items" --concurrency 2)" >>"$out"
done
python3 - "$out" "$pairs" "$items" <<'PY'
import json, statistics, sys
old, new = [], []
for line in open(sys.argv[1]):
    side, text = line.split(" ", 1)
    (old if side == "old" else new).append(json.loads(text)["us_per_item"])
ratios = [n / o for o, n in zip(old, new)]
print(f"runner, {sys.argv[3]} items, concurrency 2, {sys.argv[2]} alternating pairs")
print(f"  old: median {statistics.median(old):.2f} us/item (min {min(old):.2f}, max {max(old):.2f})")
print(f"  new: median {statistics.median(new):.2f} us/item (min {min(new):.2f}, max {max(new):.2f})")
print(f"  new/old: median of pair ratios {statistics.median(ratios):.3f} (pairs from {min(ratios):.3f} to {max(ratios):.3f})")
PY
