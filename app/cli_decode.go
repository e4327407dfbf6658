//go:build !js

package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae"
)

// cmdDecode decodes one latent point with any kind of model (ours,
// safetensors, ONNX).
func cmdDecode(c *cli, args []string) error {
	fs := c.newFlags("decode")
	model := modelFlag(fs)
	zs := fs.String("z", "", "the point: L numbers, comma-separated (required)")
	class := classFlag(fs)
	out := fs.String("out", "", "PNG file to write (required)")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || *zs == "" {
		return badInput("--z z1,…,zL and --out FILE.png are required")
	}
	m, err := model.open()
	if err != nil {
		return err
	}
	if m, err = given(m, *class); err != nil {
		return err
	}
	z, err := parseZ(*zs, m.Latent())
	if err != nil {
		return err
	}
	pix, err := m.Decode(z)
	if err != nil {
		return err
	}
	if err := writePNG(*out, tile(m, pix, 1, 0)); err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "images": 1, "z": z, "image": m.Image().String()},
		fmt.Sprintf("wrote %s: the decoded point (%s)", *out, *zs))
	return nil
}

// parseZ reads a latent point of L finite numbers.
func parseZ(s string, latent int) ([]float32, error) {
	parts := strings.Split(s, ",")
	if len(parts) != latent {
		return nil, badInput("--z %q: %d numbers for a latent size of %d", clipArg(s), len(parts), latent)
	}
	z := make([]float32, latent)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
			return nil, badInput("--z: %q is not a finite number", clipArg(p))
		}
		z[i] = float32(v)
	}
	return z, nil
}

func clipArg(s string) string { return msg.Clip(s, msg.MaxValue) }

// modelBench is `bench --model M`: the interactive figures of any model.
type modelBench struct {
	Model          string  `json:"model"`
	Latent         int     `json:"latent"`
	Image          string  `json:"image"`
	DecodeMedianMS float64 `json:"decode_median_ms"`
	DecodeP99MS    float64 `json:"decode_p99_ms"`
	Decode900MS    float64 `json:"decode_900_ms"`
	// The decoded map's two passes at 1280x800 (8x8 then 25x25 tiles).
	MapCoarseMS float64 `json:"map_coarse_ms"`
	MapFullMS   float64 `json:"map_full_ms"`
	GoMaxProcs  int     `json:"gomaxprocs"`
	BLAS        string  `json:"blas"`
}

// benchModel measures decoding one point (the dragged point) and 900 (a
// 30x30 grid, a map's tiles) with m.
func benchModel(name string, m vae.Explorable) (modelBench, error) {
	r := modelBench{Model: name, Latent: m.Latent(), Image: m.Image().String(), BLAS: vae.BLASName + ", " + vae.BLASCore() + " kernels"}
	L := m.Latent()
	z := make([]float32, L)
	dst := make([]float32, m.Image().Size())
	var lat []time.Duration
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; i < 2000 && time.Now().Before(deadline); i++ {
		z[0] = float32(i%100)/25 - 2
		t0 := time.Now()
		if err := m.DecodeInto(dst, z); err != nil {
			return r, err
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	r.DecodeMedianMS = ms(lat[len(lat)/2])
	r.DecodeP99MS = ms(lat[len(lat)*99/100])
	grid := make([]float32, 900*L)
	for i := range 900 {
		grid[i*L] = float32(i%30)/5 - 3
		if L > 1 {
			grid[i*L+1] = float32(i/30)/5 - 3
		}
	}
	var err error
	r.Decode900MS = ms(medianOf(9, func() error { _, e := m.Decode(grid); err = e; return e }))
	r.MapCoarseMS = ms(medianOf(9, func() error { _, e := m.Decode(grid[:64*L]); err = e; return e }))
	r.MapFullMS = ms(medianOf(9, func() error { _, e := m.Decode(grid[:625*L]); err = e; return e }))
	return r, err
}
