#!/usr/bin/env bash
# Builds Vigil's libFuzzer targets (Fuzz/) and runs each for a given time, or replays the
# regression fixtures through them.
#
#   Scripts/fuzz.sh [--seconds N] [TARGET ...]   fuzz each target N seconds (default 600)
#   Scripts/fuzz.sh --regress [TARGET ...]       replay Tests/VigilTests/Fixtures/fuzz/TARGET/*
#   Scripts/fuzz.sh --build-only
#
# Targets: FuzzJobFile FuzzJSONParser FuzzSchema FuzzJSONLines FuzzAnswer (default: all).
# Corpora grow in .build-fuzz/corpus/TARGET (seeded from the repository's fixtures each run);
# a crash, hang (over 10 s for one input) or runaway memory (over 2 GiB) is written to
# .build-fuzz/findings/TARGET/ and the run of that target stops. Copy each finding into
# Tests/VigilTests/Fixtures/fuzz/TARGET/ once it is fixed: `swift test` replays them.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work="$repo/.build-fuzz"
seconds=600
mode=fuzz
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --regress) mode=regress; shift ;;
    --build-only) mode=build; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    Fuzz*) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(FuzzJobFile FuzzJSONParser FuzzSchema FuzzJSONLines FuzzAnswer)

# Fuzz/Package.swift builds a snapshot of the working tree in .build-fuzz/vigil: a package
# found by path is named after its folder (a clone's may be called anything), and a long
# build must not fail because a source changed under it. Unchanged files keep their times,
# so a rebuild compiles only what changed.
mkdir -p "$work/vigil"
[[ -L "$work/vigil" ]] && rm "$work/vigil" && mkdir "$work/vigil"
(cd "$repo" && git ls-files -co --exclude-standard -z -- Package.swift Sources Fuzz/Harness | xargs -0 cp --parents -p --remove-destination -t "$work/vigil/")
# A source removed from the tree is removed from the snapshot too.
(cd "$work/vigil" && find Sources Fuzz -type f | while read -r file; do [[ -e "$repo/$file" ]] || rm "$file"; done)

echo "== building the fuzz targets (debug, -sanitize=fuzzer,address)"
# `--sanitize` twice gives swiftc two -sanitize= flags and it keeps one: the Swift code got
# AddressSanitizer but no coverage counters (only the C targets had them), so the fuzzer was
# blind to Vigil's own branches. The combined -Xswiftc flag comes last and wins; the --sanitize
# flags stay for the C targets and the link.
swift build --package-path "$repo/Fuzz" --scratch-path "$work/build" -c debug \
  --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -E "error|warning: unre|Compiling Fuzz|Build complete" || true
probe="$work/build/x86_64-unknown-linux-gnu/debug/JSONSchema.build/JSONParser.swift.o"
if [[ -e $probe ]] && [[ $(objdump -h "$probe" | grep -c sancov) == 0 ]]; then
  echo "fuzz.sh: the Swift code was built without coverage counters ($probe); the fuzzer would be blind" >&2; exit 1
fi
bin="$work/build/debug"
for target in "${targets[@]}"; do
  [[ -x "$bin/$target" ]] || { echo "fuzz.sh: $bin/$target was not built; run the build above by hand to see why" >&2; exit 1; }
done
[[ $mode == build ]] && exit 0

# The Swift runtime's own crash report takes minutes under ASan and holds libFuzzer's exit.
export SWIFT_BACKTRACE=enable=no
# Swift's runtime keeps metadata caches that LeakSanitizer reports as leaks.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1

if [[ $mode == regress ]]; then
  status=0
  for target in "${targets[@]}"; do
    fixtures="$repo/Tests/VigilTests/Fixtures/fuzz/$target"
    [[ -d $fixtures ]] && compgen -G "$fixtures/*" >/dev/null || { echo "$target: no fixtures"; continue; }
    if "$bin/$target" -timeout=10 -rss_limit_mb=2048 "$fixtures"/* >"$work/$target.regress.log" 2>&1; then
      echo "$target: $(ls "$fixtures" | wc -l) fixtures replayed, no crash"
    else
      echo "$target: FAILED; see $work/$target.regress.log"; status=1
    fi
  done
  exit $status
fi

seed() {  # seed TARGET FOLDER: fills FOLDER with inputs from the repository's fixtures
  local target=$1 into=$2 fixtures="$repo/Tests/VigilTests/Fixtures"
  mkdir -p "$into"
  case $target in
    FuzzJobFile)
      cp "$fixtures"/valid/*.yaml "$fixtures"/invalid/*.yaml "$repo"/jobs/*.yaml "$repo"/jobs/examples/*.yaml "$into"/ ;;
    FuzzJSONParser)
      cp "$repo"/schemas/*.json "$fixtures"/files/*.json "$into"/
      find "$fixtures/files" -name '*.jsonl' -exec sh -c 'head -c 4096 "$1" > "$2/$(basename "$1").json"' _ {} "$into" \; ;;
    FuzzSchema)
      python3 - "$repo" "$into" <<'PY'
import json, os, sys, hashlib
repo, into = sys.argv[1], sys.argv[2]
suite = None
folder = repo
while folder != "/":
    folder = os.path.dirname(folder)
    candidate = os.path.join(folder, "shared/testdata/json-schema-test-suite/tests/draft2020-12")
    if os.path.isdir(candidate):
        suite = candidate; break
if suite:
    for name in sorted(os.listdir(suite)):
        if not name.endswith(".json"): continue
        for group in json.load(open(os.path.join(suite, name))):
            text = json.dumps([group["schema"]] + [t["data"] for t in group["tests"]])
            open(os.path.join(into, hashlib.sha1(text.encode()).hexdigest()), "w").write(text)
for name in ("schemas/job.v1.schema.json",):
    schema = json.load(open(os.path.join(repo, name)))
    open(os.path.join(into, "job-schema"), "w").write(json.dumps([schema, {"version": 1}]))
PY
      ;;
    FuzzJSONLines)
      cp "$fixtures"/files/*.jsonl "$into"/ ;;
    FuzzAnswer)
      cp "$repo"/Fuzz/Seeds/FuzzAnswer/* "$into"/ ;;
  esac
}

printf '%-16s %8s %12s %10s %8s  %s\n' target seconds executions exec/s corpus findings > "$work/report.txt"
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target" findings="$work/findings/$target" seeds="$work/seeds/$target"
  rm -rf "$seeds"; seed "$target" "$seeds"
  mkdir -p "$corpus" "$findings"
  before=$(ls "$findings" | wc -l)
  echo "== $target: $seconds s (seeds: $(ls "$seeds" | wc -l), corpus: $(ls "$corpus" | wc -l))"
  started=$(date +%s)
  "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seeds" >"$work/$target.log" 2>&1 || true
  took=$(( $(date +%s) - started ))
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/$target.log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$work/$target.log" | grep -oE '[0-9]+$' || echo 0)
  found=$(( $(ls "$findings" | wc -l) - before ))  # this run's, not earlier runs' kept in the folder
  printf '%-16s %8s %12s %10s %8s  %s\n' "$target" "$took" "$runs" "$rate" "$(ls "$corpus" | wc -l)" \
    "$found$( [[ $found -gt 0 ]] && echo " in $findings" )" | tee -a "$work/report.txt"
done
echo; cat "$work/report.txt"
