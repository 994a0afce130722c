#!/usr/bin/env bash
# Makes docs/report.png, the report screenshot the README shows: the demo run in a copy of
# jobs/, its `vigil report`, opened in headless Chromium by the browser tests' own tool.
# Needs chromium and python3 -m pip install websocket-client (as the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product vigil >/dev/null
vigil=$(swift build --show-bin-path)/vigil
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R jobs "$work/jobs"
(cd "$work/jobs" && "$vigil" run demo.yaml --quiet) || true
run=$(ls -d "$work"/runs/demo-dwc/*/ | head -1)
"$vigil" report "$run" -o "$work/report.html"
mkdir -p docs
python3 Tests/VigilTests/Browser/browse.py "file://$work/report.html" --screenshot docs/report.png --width 1100 --height 1900 >/dev/null
echo "docs/report.png: $(wc -c < docs/report.png) bytes"
