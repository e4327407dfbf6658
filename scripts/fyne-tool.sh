#!/usr/bin/env bash
# Builds Fyne's packaging tool (fyne.io/tools v1.7.0) into bin/fyne. The Go
# proxy here refuses the version list `go run pkg@version` looks up, so it
# is built in a throw-away module instead.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/bin/fyne"
[ -x "$out" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
go mod init fynetool >/dev/null 2>&1
go get fyne.io/tools/cmd/fyne@v1.7.0 >/dev/null 2>&1
go build -o "$out" fyne.io/tools/cmd/fyne
