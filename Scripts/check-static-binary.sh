#!/usr/bin/env bash
# Proves the README's Install section on a machine like a cluster node: the static release
# binary, copied into a minimal Debian root that has no Swift (debootstrap --variant=minbase),
# with only the system libraries the README's install line brings in, validates the demo job
# and runs it with /proc mounted. Without /proc (a bare chroot) every command refuses at once,
# saying to mount /proc: Swift's thread pool (libdispatch's monitor) reads /proc/<thread>/stat
# once a second while work waits, and without it the process is stopped with SIGILL at a random
# moment (seen: 4 demo runs in 8 with cold caches, and a validate on a loaded CI machine).
#
#   bash Scripts/check-static-binary.sh [BINARY]     (default .build/release/vigil; needs root)
#
# The binary comes from `swift build -c release --static-swift-stdlib --product vigil`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/release/vigil}
[ -x "$binary" ] || { echo "check-static-binary.sh: no binary at $binary (swift build -c release --static-swift-stdlib --product vigil)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "check-static-binary.sh: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }

work=$(mktemp -d)
root=$work/root
cleanup() {
  mountpoint -q "$root/proc" 2>/dev/null && umount "$root/proc"
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "== check-static-binary: $*"; }

say "a minimal Debian root (bookworm, minbase) in $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"

# The README's install line is the contract: the packages are read from it, not repeated here.
packages=$(grep -m 1 'apt-get install.*# the system libraries vigil needs' README.md | sed -e 's/.*apt-get install -y //' -e 's/ *#.*//')
[ -n "$packages" ] || { echo "check-static-binary.sh: README.md has no install line marked '# the system libraries vigil needs'" >&2; exit 1; }
say "the README's system libraries: $packages (and python3, for the demo's extractor)"
chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages python3 >/dev/null 2>&1"
if chroot "$root" sh -c 'command -v swift' >/dev/null || [ -n "$(find "$root" -name 'libswiftCore.so*' -print -quit)" ]; then
  echo "check-static-binary.sh: the root has Swift in it; the check would prove nothing" >&2
  exit 1
fi

install -m 755 "$binary" "$root/usr/local/bin/vigil"
mkdir -p "$root/job"
tar -C jobs --exclude=./runs -cf - . | tar -C "$root/job" -xf -

# Without /proc: each command refuses at once with the fix (exit 6), instead of being stopped
# at a random moment; nothing is written.
check_without_proc() {
  rm -rf "$root/runs"
  local command status
  for command in "validate /job/demo.yaml" "run /job/demo.yaml --quiet"; do
    say "vigil $command (no /proc): refused with the fix"
    status=0
    chroot "$root" /usr/local/bin/vigil $command >"$work/noproc.txt" 2>&1 || status=$?
    [ "$status" = 6 ] && grep -q 'needs /proc mounted' "$work/noproc.txt" && [ ! -d "$root/runs" ] || {
      cat "$work/noproc.txt"; echo "check-static-binary.sh: without /proc, vigil $command did not refuse with the fix (exit $status)" >&2; exit 1; }
  done
}

check_typo() {
  local label=$1 status=0
  # A wrong job is refused with its location, as on any machine.
  sed 's/^name: demo-dwc/nmae: demo-dwc/' "$root/job/demo.yaml" >"$root/job/typo.yaml"
  chroot "$root" /usr/local/bin/vigil validate /job/typo.yaml >"$work/typo.txt" 2>&1 || status=$?
  [ "$status" = 2 ] && grep -q '/job/typo.yaml:[0-9]*:[0-9]*: error' "$work/typo.txt" || {
    cat "$work/typo.txt"; echo "check-static-binary.sh: a misspelt key was not refused at its line (exit $status; $label)" >&2; exit 1; }
}

check() {
  local label=$1
  # The demo writes its runs beside the jobs folder (output.dir: ../runs): /runs here.
  rm -rf "$root/runs"
  say "vigil validate /job/demo.yaml ($label)"
  chroot "$root" /usr/local/bin/vigil validate /job/demo.yaml
  say "vigil run /job/demo.yaml ($label)"
  local status=0
  chroot "$root" /usr/local/bin/vigil run /job/demo.yaml --quiet || status=$?
  [ "$status" = 0 ] || { echo "check-static-binary.sh: the demo exited $status ($label)" >&2; exit 1; }
  local manifest
  manifest=$(find "$root/runs/demo-dwc" -name manifest.json | head -n 1)
  python3 - "$manifest" "$label" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
counts = manifest["counts"]
assert manifest["status"] == "completed", manifest["status"]
assert counts["succeeded"] + counts["failed"] == 24 and counts["not_run"] == 0, counts
assert counts["succeeded"] == 21, counts  # the demo's three unreadable labels fail, as anywhere
print(f"== check-static-binary: demo {manifest['status']} ({sys.argv[2]}): {counts['succeeded']} of 24 succeeded")
PY
  check_typo "$label"
}

check_without_proc
mount -t proc proc "$root/proc" || { echo "check-static-binary.sh: cannot mount /proc in the root; the demo needs it" >&2; exit 1; }
check "/proc mounted"
say "passed: $(du -h "$binary" | cut -f1) binary, no Swift in the root"
