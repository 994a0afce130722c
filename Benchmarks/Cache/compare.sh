#!/usr/bin/env bash
# A fully cached rerun against the uncached run, on an endpoint that takes 50 ms an answer:
# 10,000 text items through the offline mock (jobs/tools/mock_openai.py), 16 at a time.
# Prints each time, the medians and their ratio.
#
#   bash Benchmarks/Cache/compare.sh [VIGIL] [ITEMS] [REPEATS]
#
# VIGIL defaults to a release build (swift build -c release --product vigil).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
vigil=${1:-$root/.build/release/vigil}
items=${2:-10000}
repeats=${3:-3}
work=$(mktemp -d)
trap 'kill $mock 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/items"
python3 - "$work/items" "$items" <<'PY'
import sys
folder, count = sys.argv[1], int(sys.argv[2])
for n in range(count):
    with open(f"{folder}/label-{n:05d}.txt", "w") as f:
        f.write(f"HERBARIUM OF THE DEPARTMENT OF AGRICULTURE, OTTAWA (DAO)\nCarex aquatilis Wahlenb.\nCYPERACEAE\nOntario: Ottawa.\n14 July 1923    J. Macoun {1000 + n}\n\nDAO {100000 + n}\n")
PY
cp "$root/jobs/prompts/label_to_dwc.md" "$work/prompt.md"
cp "$root/jobs/schemas/dwc-record.schema.json" "$work/schema.json"
port_file="$work/port"
python3 "$root/jobs/tools/mock_openai.py" --port 0 --latency 50 > "$port_file" &
mock=$!
while ! grep -q "http://" "$port_file" 2>/dev/null; do sleep 0.1; done
base=$(grep -o "http://[^ ]*" "$port_file")
cat > "$work/job.yaml" <<YAML
version: 1
name: cache-bench
inputs:
  - glob: items/*.txt
model:
  provider: openai
  base_url: $base
  name: mock-dwc
  api_key_env: MOCK_OPENAI_KEY
  parameters: { max_tokens: 400 }
cache: { path: cache.sqlite }
prompt: { file: prompt.md, sha256: $(sha256sum "$work/prompt.md" | cut -d' ' -f1) }
success: { schema: schema.json }
execution: { concurrency: 16 }
output: { dir: runs }
YAML
export MOCK_OPENAI_KEY=local

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The first run fills the cache (it is an uncached run: every item is a miss).
fill=$(seconds "$vigil" run "$work/job.yaml" --quiet)
first=$(ls -d "$work"/runs/cache-bench/*/ | head -1)
uncached=("$fill")
for _ in $(seq 2 "$repeats"); do uncached+=("$(seconds "$vigil" rerun "$first/manifest.json" --quiet --no-cache)"); done
cached=()
for _ in $(seq 1 "$repeats"); do cached+=("$(seconds "$vigil" rerun "$first/manifest.json" --quiet)"); done
last=$(ls -d "$work"/runs/cache-bench/*/ | sort | tail -1)
hits=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['cache']['hits'])" "$last/manifest.json")

u=$(median "${uncached[@]}"); c=$(median "${cached[@]}")
echo "items: $items, endpoint: 50 ms an answer, concurrency 16, $repeats runs each"
echo "uncached run (s): ${uncached[*]}  median $u"
echo "cached rerun (s): ${cached[*]}  median $c  (the last one: $hits cache hits)"
echo "ratio uncached/cached: $(echo "scale=1; $u / $c" | bc)x"
