#!/usr/bin/env bash
# Looks at zonemove's terminal output as a person sees it: runs the README's
# offline dry run in an 80-column tmux pane, prints what the pane shows, and
# fails if a line is wider than the pane (the command line it suggests stays
# whole, to be copied). Cobra's --help does not wrap its flag lines: it is
# shown, not judged. Not part of go test:
# it needs tmux (apt-get install tmux).
# Usage: scripts/tmux-80.sh [WIDTH]
set -euo pipefail
cd "$(dirname "$0")/.."
width=${1:-80}
bin=$(mktemp -d)/zonemove
go build -o "$bin" ./cmd/zonemove
session=zonemove-look-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
home=$(mktemp -d)
for cmd in \
  "create --dry-run --offline --region cn-hangzhou --instance-id i-bp1ff25rzvnul6kr0000 --target-zone cn-hangzhou-i --source-zone cn-hangzhou-h --source-instance-type ecs.g7.large" \
  "--help"; do
  tmux new-session -d -s "$session" -x "$width" -y 200 \
    "env -i PATH=$PATH HOME=$home TERM=xterm-256color ALIBABA_CLOUD_ECS_METADATA_DISABLED=true $bin $cmd; echo '[exit '\$?']'; sleep 30"
  for _ in $(seq 50); do
    tmux capture-pane -p -t "$session" | grep -q '^\[exit ' && break
    sleep 0.1
  done
  screen=$(tmux capture-pane -p -t "$session")
  joined=$(tmux capture-pane -p -J -t "$session") # a line the terminal wrapped is one line here
  tmux kill-session -t "$session"
  echo "=== zonemove $cmd  (${width} columns)"
  printf '%s\n' "$screen" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  # Lines wider than the pane, by display width, except a command line to
  # copy (it stays whole on purpose: "  zonemove ...").
  wide=$(printf '%s\n' "$joined" | grep -v '^  zonemove ' | while IFS= read -r line; do
    n=$(printf '%s' "$line" | LC_ALL=C.UTF-8 wc -L)
    if (( n > width )); then printf '%s\n' "$line"; fi
  done)
  if [[ -n $wide && $cmd != --help ]]; then
    echo "FAIL: lines wider than $width columns:" >&2
    printf '%s\n' "$wide" >&2
    exit 1
  fi
done
