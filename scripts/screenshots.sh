#!/usr/bin/env bash
# Regenerates the README's screenshots from the real app under Xvfb:
#   docs/screenshot.png      first launch with the bundled model and two
#                            dropped digits (ImageMagick-drawn), 1280x800
#   docs/vectors.png         the concept-vector tool (Ctrl+5)
#   docs/training.png        a few epochs into training from Ctrl+T, the
#                            point dragged across the plane
#   docs/small.png           the same window on a 1024x768 screen
#   docs/map.png             the decoded map under the scatter, 2-D model
#   docs/pca.png             the bundled 8-D model on its principal components
#   docs/light.png           the light theme: the 8-D model, its anomalies
#   docs/umap.png            the 8-D model's codes laid out by UMAP as thumbnails,
#                            a lasso's selection in the selection tool
#   docs/traversal.png       the 8-D model's traversal sheet (vae-explorer traverse)
#   docs/conditional.png     a conditional model drawing 7s, a dropped 3
#                            scored and redrawn as every digit
#   docs/emoji.png           a colour model of the emoji image folder (when
#                            EMOJI_DIR names it: make emoji), map and scatter,
#                            two emoji dropped
# Needs xvfb, xdotool, imagemagick (make deps-test) and a data folder
# (default ../shared/data/mnist-8k). Run from the repository root.
set -euo pipefail
data=${1:-../shared/data/mnist-8k}
emoji=${EMOJI_DIR:-}
bin=./bin/vae-explorer
tmp=$(mktemp -d)
app=; xvfb=
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$tmp"' EXIT
# Fonts: Fyne's own (in the Go module cache), so no font package is needed.
font=$(go env GOMODCACHE)/fyne.io/fyne/v2@$(go list -m -f '{{.Version}}' fyne.io/fyne/v2)/theme/font
# The full MNIST (make mnist): the 8-D model's codes are of its test set.
mnist=$(go env GOMODCACHE)/github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data
export LANG=en_US.UTF-8 HOME=$tmp/home
mkdir -p "$HOME"

shoot() { # shoot SIZE [PREFS-JSON [ARGS...]]: starts Xvfb and the app at SIZE, sets $win
  Xvfb :97 -screen 0 "$1x24" -nolisten tcp -noreset >/dev/null 2>&1 & xvfb=$! # -noreset: xdotool's probes come and go
  export DISPLAY=:97
  sleep 1
  rm -rf "$HOME"; mkdir -p "$HOME" # first launch: the window fills the screen
  if [ -n "${2:-}" ]; then
    mkdir -p "$HOME/.config/fyne/io.github.vaeexplorer"
    echo "$2" > "$HOME/.config/fyne/io.github.vaeexplorer/preferences.json"
  fi
  "$bin" --data "$data" "${@:3}" "${drops[@]}" & app=$!
  for _ in $(seq 50); do xdotool search --name "^VAE Explorer" >/dev/null 2>&1 && break; sleep 0.2; done
  win=$(xdotool search --name "^VAE Explorer" | head -1)
  sleep 2
}
stop() { kill -TERM $app; wait $app || true; kill $xvfb; wait $xvfb 2>/dev/null || true; }

drops=("$tmp/three.png" "$tmp/seven.jpg")
convert -size 200x200 xc:white -font "$font/NotoSans-Bold.ttf" -pointsize 160 -fill black -gravity center -annotate 0 "3" "$tmp/three.png"
convert -size 240x240 xc:navy -font "$font/DejaVuSansMono-Powerline.ttf" -pointsize 200 -fill yellow -gravity center -annotate 0 "7" "$tmp/seven.jpg"

# 1280x800: the plane's square spans x 328..928, y 37..637 (origin 628,337).
shoot 1280x800
xdotool mousemove 700 200 # hover: the read-out of the point under the mouse
sleep 0.5
import -window "$win" docs/screenshot.png
xdotool key --window "$win" ctrl+5
sleep 1.5
import -window "$win" docs/vectors.png
xdotool key --window "$win" ctrl+1 ctrl+t
sleep 8
# Drag the point from the origin up and to the right.
xdotool mousemove 628 337 mousedown 1
for i in $(seq 1 40); do xdotool mousemove $((628 + i*4)) $((337 - i*3)); sleep 0.02; done
xdotool mouseup 1
sleep 0.5
import -window "$win" docs/training.png
stop

shoot 1024x768
import -window "$win" docs/small.png
stop

shoot 1280x800 '{"view.show":"Map and scatter"}'
xdotool mousemove 560 250 # hover: the decode under the mouse
sleep 1
import -window "$win" docs/map.png
stop

shoot 1280x800 '{"view.show":"Map and scatter","view.pca":true}' --model bundled-8d
xdotool mousemove 700 300
sleep 1
import -window "$win" docs/pca.png
stop

# The light theme, the 8-D model on its most informative axes, eight
# sliders, its anomalies ranked.
shoot 1280x800 '{"view.theme":"light"}' --model bundled-8d
xdotool key --window "$win" ctrl+6
sleep 0.5
xdotool mousemove 1110 485 click 1 # Rank held-out
sleep 6
xdotool mousemove 700 300
sleep 1
import -window "$win" docs/light.png
stop
# The traversal sheet of the 8-D model, from the CLI.
"$bin" traverse --model bundled-8d --out docs/traversal.png

# The 8-D model's codes laid out by UMAP as thumbnails of the held-out
# images (the full MNIST's: the model's codes are of its test set), a
# lasso drawn around a region with Ctrl held, the selection tool showing
# what it caught.
small=$data
[ -d "$mnist" ] && data=$mnist
shoot 1280x800 '{"view.projection":"UMAP","view.thumbnails":true}' --model bundled-8d
sleep 10 # the data loads, the layout converges (about 4 s here)
xdotool mousemove 560 380 keydown ctrl mousedown 1
for p in "620 370" "680 380" "720 420" "700 480" "640 500" "580 480" "560 430"; do
  xdotool mousemove $p; sleep 0.1
done
xdotool mouseup 1 keyup ctrl
sleep 2
xdotool mousemove 470 250
sleep 1
import -window "$win" docs/umap.png
stop
data=$small

# A conditional model (30 epochs on the full MNIST, seed 1, as README's
# quality table), class 7 picked, the map of its 7s under the codes of
# every class, a dropped 3 scored and redrawn as every digit.
if [ -d "$mnist" ]; then
  "$bin" train --data "$mnist" --conditional --epochs 30 --out "$tmp/cvae.vae" --json >/dev/null
  drops=("$tmp/three.png")
  shoot 1280x800 '{"view.show":"Map and scatter","view.opacity":0.35}' --model "$tmp/cvae.vae"
  xdotool mousemove 1185 285 click 1 # the all-classes row's 7
  sleep 1
  xdotool key --window "$win" ctrl+2
  sleep 1
  xdotool mousemove 1100 680
  for i in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; sleep 0.05; done
  xdotool mousemove 700 250
  sleep 2
  import -window "$win" docs/conditional.png
  stop
  drops=("$tmp/three.png" "$tmp/seven.jpg")
  echo "wrote docs/conditional.png"
fi
echo "wrote docs/screenshot.png, docs/vectors.png, docs/training.png, docs/small.png, docs/map.png, docs/pca.png, docs/light.png and docs/umap.png"

if [ -n "$emoji" ]; then
  "$bin" train --data "$emoji" --arch conv --size 32 --channels 3 --epochs 60 --out "$tmp/emoji.vae" --json >/dev/null
  data=$emoji
  drops=("$emoji"/animals-nature/1f98a.png "$emoji"/food-drink/1f355.png)
  shoot 1280x800 '{"view.show":"Map and scatter"}' --model "$tmp/emoji.vae"
  xdotool mousemove 560 250
  sleep 1
  import -window "$win" docs/emoji.png
  stop
  echo "wrote docs/emoji.png"
fi
