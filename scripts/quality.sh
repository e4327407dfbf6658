#!/usr/bin/env bash
# The README's quality table: held-out -ELBO after EPOCHS epochs on the
# standard MNIST split, ours (vae-explorer train) against the same PyTorch
# model (scripts/torch_reference.py), SEEDS seeds each, mlp and conv, mean
# and sample standard deviation. Usage:
#   scripts/quality.sh BIN DATA [EPOCHS=30] [SEEDS="1 2 3"] [ARCHS="mlp conv"]
# Each run's JSON lines are kept in $OUT (default /tmp/vae-quality). PyTorch
# runs on TORCH_THREADS threads (default 1: quality, not speed, is measured
# here, and one thread does not collapse when the machine is busy).
set -euo pipefail
bin=$(realpath "$1"); data=$2; epochs=${3:-30}; seeds=${4:-1 2 3}; archs=${5:-mlp conv}
out=${OUT:-/tmp/vae-quality}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "quality: PyTorch is not installed (make deps-bench installs Debian's python3-torch)" >&2
  exit 1
fi
mkdir -p "$out"
here=$(dirname "$0")
for arch in $archs; do
  for seed in $seeds; do
    ours="$out/ours-$arch-$seed.json"; torch="$out/torch-$arch-$seed.json"
    [ -s "$ours" ] || "$bin" train --arch "$arch" --data "$data" --epochs "$epochs" --seed "$seed" \
      --out "$out/ours-$arch-$seed.vae" --json >"$ours"
    [ -s "$torch" ] || /usr/bin/python3 "$here/torch_reference.py" --arch "$arch" --data "$data" \
      --epochs "$epochs" --seed "$seed" --threads "${TORCH_THREADS:-1}" >"$torch"
  done
done
/usr/bin/python3 - "$out" "$epochs" "$seeds" "$archs" <<'PY'
import json, statistics, sys
out, epochs, seeds, archs = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
def final(path):
    last = None
    for line in open(path):
        d = json.loads(line)
        if "epoch" in d and "summary" not in d:
            last = d["test_elbo"]
    return last
print(f"| model | {epochs} epochs, seeds {', '.join(seeds)} | VAE Explorer (nats) | PyTorch (nats) |")
print("|---|---|---|---|")
for arch in archs:
    row = []
    for who in ("ours", "torch"):
        v = [final(f"{out}/{who}-{arch}-{s}.json") for s in seeds]
        sd = statistics.stdev(v) if len(v) > 1 else 0
        row.append(f"{statistics.mean(v):.2f} ± {sd:.2f} ({', '.join(f'{x:.1f}' for x in v)})")
    print(f"| {arch} | held-out -ELBO, mean ± sd | {row[0]} | {row[1]} |")
PY
