#!/usr/bin/env bash
# report-screenshot.sh [RECORD.html] [OUT.png]: render an HTML change record
# (zonemove report --format html) in headless Chromium to a PNG, to look at
# the timeline and the tables as a reader will. Without RECORD.html, the
# record of pkg/record's sample batch (five instances: moved, reverted,
# InError, running, sent; a window 02:00-04:00) is rendered.
#
# Needs chromium (apt-get install -y chromium). Not part of go test: the
# tests parse the file; this is for a person's eyes.
set -euo pipefail
cd "$(dirname "$0")/.."

html=${1:-}
out=${2:-report-screenshot.png}
if [[ -z "$html" ]]; then
  html=$(mktemp -d)/record.html
  ZONEMOVE_REPORT_SAMPLE="$html" go test ./pkg/record -run '^TestHTML$' -count=1 >/dev/null
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "no Chromium found: apt-get install -y chromium" >&2
  exit 1
fi
# --no-sandbox: containers run as root; the page is a local file that
# fetches nothing.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1100,1500 --screenshot="$(realpath -m "$out")" "file://$(realpath "$html")" 2>/dev/null
echo "$out"
