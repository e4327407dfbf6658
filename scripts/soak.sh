#!/usr/bin/env bash
# Long run: trains 50 epochs on a dataset folder and reports the process's
# resident memory and live heap after every epoch; fails if resident memory
# after epoch 2 leaves a +-10% band around epoch 2's.
#   scripts/soak.sh BIN DATA_DIR [EPOCHS]
set -euo pipefail
bin=$1 data=$2 epochs=${3:-50}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" train --data "$data" --epochs "$epochs" --memstats --json --out "$out/soak.vae" > "$out/log.jsonl"
grep '"rss_mb"' "$out/log.jsonl" |
  sed -E 's/.*"epoch":([0-9]+).*"seconds":([0-9.]+).*"rss_mb":([0-9.]+).*"heap_mb":([0-9.]+).*/\1 \2 \3 \4/' |
  awk '
    BEGIN { printf "%5s %9s %9s %9s\n", "epoch", "seconds", "RSS MB", "heap MB" }
    { printf "%5d %9.2f %9.1f %9.1f\n", $1, $2, $3, $4
      if ($1 == 2) ref = $3
      if ($1 > 2) { if (min == "" || $3 < min) min = $3; if ($3 > max) max = $3 } }
    END {
      if (ref == "") { print "soak: fewer than 3 epochs"; exit 1 }
      printf "after epoch 2: RSS %.1f..%.1f MB, epoch 2 %.1f MB (%+.1f%%..%+.1f%%)\n", min, max, ref, 100*(min/ref-1), 100*(max/ref-1)
      if (max > ref*1.10 || min < ref*0.90) { print "soak: resident memory not flat (outside +-10%)"; exit 1 }
      print "soak: flat"
    }'
