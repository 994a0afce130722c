#!/usr/bin/env bash
# The peers of Vigil's command provider: one small command per item, two at a time, run by
# GNU parallel (with a job log and `--halt soon,fail=50%`, its nearest thing to an early
# abort), by `xargs -P`, or by a serial shell loop. Written for this repository; the same
# measure as the seed project's items_runner_parallel.sh.
#
#   items_runner.sh N DIR parallel|xargs|serial
#
# N small text files are written to DIR/items/item_NNNNNN.txt (once; kept between runs). Each
# item's command is `sh item.sh FILE`: `wc -c` and one JSON line out. JOBS (default 2) sets
# the concurrency. Prints one JSON line:
#   {"runner", "items", "jobs", "wall_s", "per_item_ms", "ran", "failed", "exit"}
set -euo pipefail

usage="usage: $0 N DIR parallel|xargs|serial"
count=${1:?$usage}
dir=${2:?$usage}
runner=${3:?$usage}
jobs=${JOBS:-2}
items=$dir/items
work=$dir/_runner
mkdir -p "$items" "$work"

for ((i = 1; i <= count; i++)); do
  file=$(printf '%s/item_%06d.txt' "$items" "$i")
  [[ -e $file ]] || printf 'specimen %d\nQuercus alba L.\nAAFC-%d\n' "$i" "$((100000 + i))" >"$file"
done
list=$work/list.txt
for ((i = 1; i <= count; i++)); do printf '%s/item_%06d.txt\n' "$items" "$i"; done >"$list"
script=$work/item.sh
cat >"$script" <<'SH'
bytes=$(wc -c <"$1")
printf '{"item":"%s","bytes":%d,"ok":true}\n' "$1" "$bytes"
SH

out=$work/out.$runner.jsonl
joblog=$work/joblog.tsv
rm -f "$out" "$joblog"
status=0
start=$(date +%s%N)
case $runner in
  parallel)
    # moreutils ships a different program named parallel; only GNU parallel takes these options.
    if ! parallel --version 2>/dev/null | head -n 1 | grep -q '^GNU parallel'; then
      echo "items_runner.sh: GNU parallel is not installed (apt-get install -y parallel; moreutils' parallel is another program)" >&2
      exit 2
    fi
    parallel --jobs "$jobs" --joblog "$joblog" --halt soon,fail=50% -a "$list" sh "$script" {} >"$out" 2>"$work/err.txt" || status=$?
    ;;
  xargs) xargs -d '\n' -P "$jobs" -n 1 sh "$script" <"$list" >"$out" 2>"$work/err.txt" || status=$? ;;
  serial)
    jobs=1
    while IFS= read -r file; do sh "$script" "$file" || status=$?; done <"$list" >"$out"
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
end=$(date +%s%N)

ran=$(wc -l <"$out")
failed=$((count - ran))
python3 -c '
import json, sys
count, jobs, nanoseconds, ran, failed, status = map(int, sys.argv[2:])
seconds = nanoseconds / 1e9
print(json.dumps({"runner": sys.argv[1], "items": count, "jobs": jobs, "wall_s": round(seconds, 3),
                  "per_item_ms": round(seconds * 1000 / count, 3), "ran": ran, "failed": failed, "exit": status}))
' "$runner" "$count" "$jobs" "$((end - start))" "$ran" "$failed" "$status"
