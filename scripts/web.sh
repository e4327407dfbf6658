#!/usr/bin/env bash
# Builds the browser version into OUT (make web): app.wasm from ./app for
# GOOS=js GOARCH=wasm with the bundled models embedded, the page, Go's
# wasm_exec.js, the icon; each with brotli (.br) and gzip (.gz) copies that
# `vae-explorer serve` sends to browsers accepting them. The wasm is only
# compressed again when it changed (brotli at its best level takes minutes)
# or was compressed at another level: WEB_BROTLI_QUALITY (default 11, the
# release's; the browser test builds with 5, seconds instead of minutes).
# Usage: scripts/web.sh OUT [LDFLAGS]
set -euo pipefail
out=${1:?usage: scripts/web.sh OUT [LDFLAGS]}
ldflags=${2:-}
go=${GO:-go}
quality=${WEB_BROTLI_QUALITY:-11}
# Tags: Fyne's caches without locks, as on the desktop (every UI change
# goes through fyne.Do); and without Fyne's colour-emoji font (4.2 MB,
# parsed for every text style at start-up; no text here uses emoji).
WEB_TAGS="migrated_fynedo no_emoji"
mkdir -p "$out"

# Two modules are patched for this build (the desktop build keeps them as
# they are): Fyne's lang/lang.go is replaced by web/fynelang/lang.go
# (English only, no go-i18n), and gorgonia/tensor's Dense.PBEncode/PBDecode
# become errors (no protobuf). go-i18n formats through text/template, and
# protobuf's registry walks types, both looking methods up by name through
# reflection; a program that can do that makes Go's linker keep every
# exported method of every type: 67 MB of WebAssembly instead of 45 MB, all
# downloaded, compiled and initialised before the first frame. web/fynelang's
# test checks its file still matches Fyne's API; the check after the patches
# that neither package is still linked in. The patched copies live in
# build/web-modules with a go.mod of their own (replace directives); the
# repository's go.mod is untouched.
mods=build/web-modules
rm -rf "$mods"; mkdir -p "$mods"
copy_module() { # module name -> path of a writable copy
  "$go" mod download "$1"
  local src; src=$("$go" list -m -f '{{.Dir}}' "$1")
  cp -r "$src" "$mods/$2"; chmod -R u+w "$mods/$2"
}
copy_module fyne.io/fyne/v2 fyne
cp web/fynelang/lang.go "$mods/fyne/lang/lang.go"
rm -f "$mods"/fyne/lang/*_test.go
copy_module gorgonia.org/tensor tensor
# tensor's Dense.PBEncode/PBDecode (protobuf, unused here) are the only users
# of its protobuf package; they become errors, so protobuf is not linked.
io="$mods/tensor/dense_io.go"
awk '
  /^\t"gorgonia.org\/tensor\/internal\/serialization\/pb"$/ { next }
  /^func \(t \*Dense\) PBEncode\(\)/ { cut = 1 }
  !cut { print }
  END {
    print "func (t *Dense) PBEncode() ([]byte, error) { return nil, errors.New(\"protobuf is not in the browser build\") }"
    print "func (t *Dense) PBDecode(buf []byte) error { return errors.New(\"protobuf is not in the browser build\") }"
  }' "$io" > "$io.new" && mv "$io.new" "$io"
cp go.mod "$mods/go.mod"; cp go.sum "$mods/go.sum"
"$go" mod edit -replace "fyne.io/fyne/v2=$PWD/$mods/fyne" -replace "gorgonia.org/tensor=$PWD/$mods/tensor" "$mods/go.mod"

deps=$(GOOS=js GOARCH=wasm "$go" list -modfile "$mods/go.mod" -tags "$WEB_TAGS" -deps ./app)
for pkg in github.com/nicksnyder/go-i18n/v2/i18n google.golang.org/protobuf/proto; do
  if grep -qx "$pkg" <<<"$deps"; then
    echo "web: $pkg is still linked into the browser build: a module changed what scripts/web.sh patches; update the script" >&2
    exit 1
  fi
done

tmp=$(mktemp "$out/.app.wasm.XXXXXX")
trap 'rm -f "$tmp"' EXIT
GOOS=js GOARCH=wasm "$go" build -modfile "$mods/go.mod" -tags "$WEB_TAGS" -trimpath -ldflags "-s -w $ldflags" -o "$tmp" ./app
if ! cmp -s "$tmp" "$out/app.wasm" || [ ! -s "$out/app.wasm.br" ] || [ ! -s "$out/app.wasm.gz" ] ||
  [ "$(cat "$out/app.wasm.br.quality" 2>/dev/null)" != "$quality" ]; then
  echo "web: compressing app.wasm ($(( $(stat -c %s "$tmp") / 1000000 )) MB; brotli at level $quality, at 11 a few minutes)"
  brotli -q "$quality" -f -o "$tmp.br" "$tmp"
  gzip -9 -n -c "$tmp" > "$tmp.gz"
  mv "$tmp.br" "$out/app.wasm.br"; mv "$tmp.gz" "$out/app.wasm.gz"
  mv "$tmp" "$out/app.wasm"
  echo "$quality" > "$out/app.wasm.br.quality"
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
