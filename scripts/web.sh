#!/usr/bin/env bash
# Builds the browser version into OUT (make web): app.wasm from ./app for
# GOOS=js GOARCH=wasm with the bundled models embedded, the page, Go's
# wasm_exec.js, the icon; each with brotli (.br) and gzip (.gz) copies that
# `vae-explorer serve` sends to browsers accepting them. The wasm is only
# compressed again when it changed (brotli at its best level takes minutes).
# Usage: scripts/web.sh OUT [LDFLAGS]
set -euo pipefail
out=${1:?usage: scripts/web.sh OUT [LDFLAGS]}
ldflags=${2:-}
go=${GO:-go}
# Tags: Fyne's caches without locks, as on the desktop (every UI change
# goes through fyne.Do); and without Fyne's colour-emoji font (4.2 MB,
# parsed for every text style at start-up; no text here uses emoji).
WEB_TAGS="migrated_fynedo no_emoji"
mkdir -p "$out"
tmp=$(mktemp "$out/.app.wasm.XXXXXX")
trap 'rm -f "$tmp"' EXIT
GOOS=js GOARCH=wasm "$go" build -tags "$WEB_TAGS" -trimpath -ldflags "-s -w $ldflags" -o "$tmp" ./app
if ! cmp -s "$tmp" "$out/app.wasm" || [ ! -s "$out/app.wasm.br" ] || [ ! -s "$out/app.wasm.gz" ]; then
  echo "web: compressing app.wasm ($(( $(stat -c %s "$tmp") / 1000000 )) MB; brotli takes a few minutes)"
  brotli -q 11 -f -o "$tmp.br" "$tmp"
  gzip -9 -n -c "$tmp" > "$tmp.gz"
  mv "$tmp.br" "$out/app.wasm.br"; mv "$tmp.gz" "$out/app.wasm.gz"
  mv "$tmp" "$out/app.wasm"
  touch "$out/app.wasm.br" "$out/app.wasm.gz" # not older than app.wasm
fi
stat -c %s "$out/app.wasm" > "$out/app.wasm.size"
cp web/index.html "$out/index.html"
cp "$("$go" env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
cp assets/icon.png "$out/icon.png"
for f in index.html wasm_exec.js; do
  brotli -q 11 -f -o "$out/$f.br" "$out/$f"
  gzip -9 -n -c "$out/$f" > "$out/$f.gz"
done
sz() { stat -c %s "$out/$1"; }
awk -v out="$out" -v w="$(sz app.wasm)" -v b="$(sz app.wasm.br)" -v g="$(sz app.wasm.gz)" \
    -v rest="$(( $(sz index.html.br) + $(sz wasm_exec.js.br) + $(sz icon.png) + $(sz app.wasm.size) ))" \
  'BEGIN { printf "web: %s: app.wasm %.1f MB, %.1f MB with brotli, %.1f MB with gzip; the whole page with brotli %.2f MB\n", out, w/1e6, b/1e6, g/1e6, (b+rest)/1e6 }'
