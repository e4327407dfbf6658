#!/usr/bin/env bash
# Peak resident memory and time of the release binary on the hostile-file
# corpus of app/cli_hostile_test.go (files that declare far more than they
# hold, or more than the app takes). Usage: scripts/hostile.sh BIN
set -euo pipefail
bin=$(realpath "${1:-bin/vae-explorer}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
VAE_HOSTILE_DIR=$dir go test -count=1 -run TestHostileFilesStayBounded ./app >/dev/null
printf '%-48s %6s %8s %6s\n' case status "peak MB" seconds
while IFS=$'\t' read -r name args; do
  set +e
  # shellcheck disable=SC2086
  /usr/bin/time -f '%M %e' -o "$dir/time" "$bin" $args >/dev/null 2>&1
  status=$?
  set -e
  read -r kb secs < <(tail -n 1 "$dir/time")
  printf '%-48s %6d %8d %6s\n' "$name" "$status" $((kb / 1024)) "$secs"
done <"$dir/run.txt"
