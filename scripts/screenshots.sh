#!/usr/bin/env bash
# Regenerates the README's screenshots from the real app under Xvfb:
#   docs/screenshot.png      first launch with the bundled model and two
#                            dropped digits (ImageMagick-drawn)
#   docs/training.png        a few epochs into training from Ctrl+T, the
#                            point dragged across the plane
# Needs xvfb, xdotool, imagemagick (make deps-test) and a data folder
# (default ../shared/data/mnist-8k). Run from the repository root.
set -euo pipefail
data=${1:-../shared/data/mnist-8k}
bin=./bin/vae-explorer
tmp=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$tmp"' EXIT
export LANG=en_US.UTF-8 HOME=$tmp/home
mkdir -p "$HOME"

Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
export DISPLAY=:97
sleep 1
convert -size 200x200 xc:white -font Helvetica-Bold -pointsize 160 -fill black -gravity center -annotate 0 "3" "$tmp/three.png"
convert -size 240x240 xc:navy -font Courier-Bold -pointsize 200 -fill yellow -gravity center -annotate 0 "7" "$tmp/seven.jpg"

"$bin" --data "$data" "$tmp/three.png" "$tmp/seven.jpg" & app=$!
for _ in $(seq 50); do xdotool search --name "^VAE Explorer" >/dev/null 2>&1 && break; sleep 0.2; done
win=$(xdotool search --name "^VAE Explorer" | head -1)
sleep 2
xdotool mousemove 600 160 # the hover read-out
sleep 0.5
import -window "$win" docs/screenshot.png

xdotool key --window "$win" ctrl+t
sleep 6
# Drag the point from the origin up and to the right.
xdotool mousemove 521 217 mousedown 1
for i in $(seq 1 30); do xdotool mousemove $((521 + i*3)) $((217 - i*2)); sleep 0.02; done
xdotool mouseup 1
sleep 0.5
import -window "$win" docs/training.png
kill -TERM $app; wait $app || true
echo "wrote docs/screenshot.png and docs/training.png"
