#!/usr/bin/env bash
# Measures Vigil against its peers in one run and prints a table of medians and ratios.
#   bash Benchmarks/compare.sh [--runs N]     (from anywhere; about 15 minutes with the build)
# Needs hyperfine and GNU parallel (installed with apt-get when missing) and Python's
# jsonschema (installed with pip when missing). Nothing here is part of `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=5
if [ "${1:-}" = "--runs" ]; then runs=$2; fi
# The peers live beside this script (Benchmarks/peers): a clone is all it needs.
peers=$root/Benchmarks/peers
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { echo "== $*" >&2; }

missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
# moreutils' `parallel` is another program with the same name: only GNU parallel will do.
parallel --version 2>/dev/null | head -n 1 | grep -q '^GNU parallel' || missing+=(parallel)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema >&2

log "building release (vigil, vigil-bench)"
swift build -c release --product vigil >&2
swift build -c release --product vigil-bench >&2
bin=$root/.build/release
vigil=$bin/vigil
bench=$bin/vigil-bench
results=$tmp/results.jsonl   # one {"name", "value", ...} line per measurement

# median of field $1 over $runs runs of the rest of the command (each prints one JSON line)
median_of() {
  local field=$1; shift
  for _ in $(seq "$runs"); do "$@"; done | python3 -c '
import json, statistics, sys
field = sys.argv[1]
print(statistics.median(json.loads(line)[field] for line in sys.stdin if line.strip()))' "$field"
}
# median wall seconds of a whole command, by hyperfine ($1: runs, rest: the command line)
hyperfine_median() {
  local n=$1; shift
  hyperfine -N --style none --warmup 1 --runs "$n" --export-json "$tmp/h.json" "$@" >/dev/null 2>&1 || \
    hyperfine --style none --warmup 1 --runs "$n" --export-json "$tmp/h.json" "$@" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$tmp/h.json"
}
record() { echo "{\"name\": \"$1\", \"value\": $2}" >>"$results"; }

log "1. event bus vs the seed bus (200,000 events; seed and Vigil runs interleaved, so both see the same machine)"
# Each run of each measure prints one JSON line; the lines are collected per measure, in turns.
# A log is deleted as soon as its run ends and the disk settled (sync) before the next run:
# otherwise the kernel writes one side's 40-60 MB back to the disk during the other side's
# timed loop (this machine showed 50% I/O wait then), which skewed whichever came next.
bus_run() {
  sync
  bus_measure "$1"
  rm -f "$tmp/seed.jsonl" "$tmp/vigil.jsonl"
}
bus_measure() {
  case $1 in
    seed_log) python3 "$peers/bench_seed_bus.py" --events 200000 --log "$tmp/seed.jsonl" --subscribers 0 ;;
    vigil_log) "$bench" bus --events 200000 --log "$tmp/vigil.jsonl" --subscribers 0 ;;
    seed_payload) python3 "$peers/bench_seed_bus.py" --events 200000 --log none --subscribers 0 --no-bus ;;
    vigil_payload) "$bench" bus --events 200000 --log none --subscribers 0 --no-bus ;;
    seed_mem) python3 "$peers/bench_seed_bus.py" --events 200000 --log none --subscribers 0 ;;
    vigil_mem) "$bench" bus --events 200000 --log none --subscribers 0 ;;
    vigil_mem3) "$bench" bus --events 200000 --log none --subscribers 1 ;;
  esac
}
bus_names=(seed_log vigil_log seed_payload vigil_payload seed_mem vigil_mem vigil_mem3)
for _ in $(seq "$runs"); do
  for name in "${bus_names[@]}"; do bus_run "$name" >>"$tmp/bus-$name.jsonl"; done
done
# Recorded per run, in run order: the table pairs each seed run with the Vigil run beside it.
for name in "${bus_names[@]}"; do
  record "$name" "$(python3 -c '
import json, sys
print(json.dumps([json.loads(line)["us_per_event"] for line in open(sys.argv[1]) if line.strip()]))' "$tmp/bus-$name.jsonl")"
done

log "2. runner overhead, no-op provider, 100,000 items, concurrency 2"
record runner_us "$(median_of us_per_item "$bench" runner --items 100000 --concurrency 2)"

log "3. memory: 10k, 100k, 1M items (jsonl input, no-op provider)"
for n in 10000 100000 1000000; do
  "$bench" runner --items $n --concurrency 2 >"$tmp/mem-$n.json"
  record "mem_setup_$n" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["setup_peak_rss_mb"])' "$tmp/mem-$n.json")"
  record "mem_run_$n" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_peak_rss_mb"])' "$tmp/mem-$n.json")"
done

log "4. command provider vs xargs -P 2 and GNU parallel (2,000 trivial items)"
items=2000
work=$tmp/items
mkdir -p "$work"
bash "$peers/items_runner.sh" $items "$work" xargs >/dev/null   # creates the items
# The same trivial work per item as the peers' script (sh + wc -c, one JSON line out).
cat >"$work/item.sh" <<'SH'
n=$(wc -c)
printf '{"ok":true,"bytes":%d}\n' "$n"
SH
cat >"$work/worker.py" <<'PY'
import json, sys
for line in sys.stdin:
    request = json.loads(line)
    print(json.dumps({"id": request["id"], "result": {"ok": True, "bytes": len(line)}}), flush=True)
PY
echo "Process the item." >"$work/prompt.md"
pin=$(sha256sum "$work/prompt.md" | cut -c1-64)
for mode in per-item persistent; do
  command='[sh, item.sh]'; [ $mode = persistent ] && command='[python3, worker.py]'
  cat >"$work/$mode.yaml" <<YAML
version: 1
name: items-$mode
inputs: [{ glob: "items/*.txt" }]
model: { provider: command, command: $command, mode: $mode, timeout: 30s }
prompt: { file: prompt.md, sha256: $pin }
success: { required_fields: [ok] }
thresholds: { early: { after: 50, min_success_rate: 0.5 } }
execution: { concurrency: 2 }
output: { dir: runs }
YAML
done
xargs_s=$(median_of wall_s bash "$peers/items_runner.sh" $items "$work" xargs)
parallel_s=$(median_of wall_s bash "$peers/items_runner.sh" $items "$work" parallel)
record xargs_s "$xargs_s"
record parallel_s "$parallel_s"
record vigil_per_item_s "$(hyperfine_median 3 "$vigil run $work/per-item.yaml --quiet")"
record vigil_persistent_s "$(hyperfine_median "$runs" "$vigil run $work/persistent.yaml --quiet")"

log "5. vigil validate on the demo job"
record validate_s "$(hyperfine_median 30 "$vigil validate $root/jobs/demo.yaml")"

log "6. JSON Schema: 100,000 records vs Python jsonschema"
python3 "$peers/make_records.py" 100000 "$tmp/records.jsonl" jobs/samples/dwc-records.jsonl
record schema_vigil "$(median_of records_per_sec "$bench" schema --schema jobs/schemas/dwc-record.schema.json --records "$tmp/records.jsonl")"
record schema_python "$(median_of records_per_sec python3 "$peers/jsonschema_bench.py" jobs/schemas/dwc-record.schema.json "$tmp/records.jsonl")"

log "7. time to abort: 0% success, 200 ms per item, concurrency 4, early after 5"
abort=$tmp/abort
mkdir -p "$abort/items"
for i in $(seq 1 200); do echo "item $i" >"$abort/items/item-$i.txt"; done
echo "Extract." >"$abort/prompt.md"
cat >"$abort/incident.yaml" <<YAML
version: 1
name: incident
inputs: [{ glob: "items/*.txt" }]
model: { provider: command, command: [sh, -c, "cat >/dev/null; sleep 0.2; echo 'I cannot read this label.'"], timeout: 10s }
prompt: { file: prompt.md, sha256: $(sha256sum "$abort/prompt.md" | cut -c1-64) }
success: { required_fields: [scientificName] }
thresholds: { early: { after: 5, min_success_rate: 0.5 } }
execution: { concurrency: 4, retries: { max_attempts: 1 } }
output: { dir: runs }
YAML
# vigil exits 3 (aborted): hyperfine must accept that.
hyperfine -N --style none --warmup 1 --runs "$runs" -i --export-json "$tmp/h.json" "$vigil run $abort/incident.yaml --quiet" >/dev/null 2>&1
record abort_s "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$tmp/h.json")"

python3 - "$results" "$runs" <<'PY'
import json, sys
r = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    r[d["name"]] = d["value"]
runs = sys.argv[2]
rows = []
def row(what, peer, vigil, ratio, target, met):
    rows.append((what, peer, vigil, ratio, target, "yes" if met else "NO"))
# Bus rows: us/event per run, shown as medians (events/s where the row says so). A ratio is
# the median of the per-run ratios, each seed run against the Vigil run measured right after
# it, so a slow minute of the machine weighs on both sides of a pair. The timed loop builds
# each payload (as the seed's does); the seed's own notes say to subtract that (--no-bus)
# for the bus alone, which the second row does for both sides.
from statistics import median
bus = {name: r.pop(name) for name in ("seed_log", "vigil_log", "seed_payload", "vigil_payload", "seed_mem", "vigil_mem", "vigil_mem3")}
def paired(f): return median(f(i) for i in range(len(bus["seed_log"])))
m = {name: median(values) for name, values in bus.items()}
def per_second(us): return f"{1e6/us:,.0f}"
log_ratio = paired(lambda i: bus['seed_log'][i] / bus['vigil_log'][i])
row("1. bus + JSONL log, events/s (loop with payloads)", per_second(m['seed_log']), per_second(m['vigil_log']), f"{log_ratio:.1f}x", ">= 10x", log_ratio >= 10)
def alone(side, i): return bus[f'{side}_log'][i] - bus[f'{side}_payload'][i]
bus_ratio = paired(lambda i: alone('seed', i) / alone('vigil', i))
row("   bus + JSONL log alone, us/event (payload subtracted)", f"{paired(lambda i: alone('seed', i)):.2f}", f"{paired(lambda i: alone('vigil', i)):.2f}", f"{bus_ratio:.1f}x", ">= 10x", bus_ratio >= 10)
row("   payload building alone, us/event", f"{m['seed_payload']:.2f}", f"{m['vigil_payload']:.2f}", f"{paired(lambda i: bus['seed_payload'][i] / bus['vigil_payload'][i]):.1f}x", "", True)
row("   bus in memory, 2 consumers, events/s", per_second(m['seed_mem']), per_second(m['vigil_mem']), f"{paired(lambda i: bus['seed_mem'][i] / bus['vigil_mem'][i]):.1f}x", "", True)
row("   bus in memory, 3 consumers, events/s", "", per_second(m['vigil_mem3']), "", ">= 3,000,000", 1e6 / m['vigil_mem3'] >= 3e6)
row("2. runner overhead, us/item (100k, no-op)", "", f"{r['runner_us']:.1f}", "", "<= 10", r['runner_us'] <= 10)
for n in (10000, 100000, 1000000):
    row(f"3. peak RSS MB, {n:,} items: setup / run", "", f"{r[f'mem_setup_{n}']:.0f} / {r[f'mem_run_{n}']:.0f}", "", "flat, <= 64", max(r[f'mem_setup_{n}'], r[f'mem_run_{n}']) <= 64)
row("4. per-item command vs xargs -P 2, s", f"{r['xargs_s']:.2f}", f"{r['vigil_per_item_s']:.2f}", f"{r['vigil_per_item_s']/r['xargs_s']:.2f}x", "<= 1.2x", r['vigil_per_item_s']/r['xargs_s'] <= 1.2)
row("   persistent worker vs GNU parallel, s", f"{r['parallel_s']:.2f}", f"{r['vigil_persistent_s']:.2f}", f"{r['parallel_s']/r['vigil_persistent_s']:.0f}x faster", ">= 100x", r['parallel_s']/r['vigil_persistent_s'] >= 100)
row("5. vigil validate demo, ms", "", f"{r['validate_s']*1000:.1f}", "", "< 50", r['validate_s'] < 0.05)
row("6. JSON Schema, records/s (100k)", f"{r['schema_python']:,.0f}", f"{r['schema_vigil']:,.0f}", f"{r['schema_vigil']/r['schema_python']:.1f}x", ">= 20x", r['schema_vigil']/r['schema_python'] >= 20)
ideal = 5 * 0.2 / 4
row("7. time to abort, s (ideal 5 x 0.2 s / 4)", f"{ideal:.2f}", f"{r['abort_s']:.2f}", f"{r['abort_s']/ideal:.1f}x ideal", "", True)
widths = [max(len(str(x[i])) for x in rows + [("measure", "peer", "vigil", "ratio", "target", "met")]) for i in range(6)]
header = ("measure", "peer", "vigil", "ratio", "target", "met")
print(f"Medians of {runs} runs (whole-process times by hyperfine; a bus ratio is the median of {runs} paired runs), {len(rows)} rows")
for line in [header] + rows:
    print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(line, widths))))
PY
