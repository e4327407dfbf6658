package onnx

import (
	"math/rand"
	"testing"
)

// A 3x3 convolution of a nearest 2x upsampling computed from the map
// before it (convUp2) equals the convolution of the upsampled map.
func TestConvOfADoublingEqualsTheConvolutionOfItsOutput(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	N, C, M, H, W := 2, 3, 5, 4, 6
	x := &Tensor{Shape: []int{N, C, H, W}, F: make([]float32, N*C*H*W)}
	for i := range x.F {
		x.F[i] = float32(r.NormFloat64())
	}
	w := make([]float32, M*C*9)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	bias := []float32{0.1, -0.2, 0.3, 0, 1}
	up := &Tensor{Shape: []int{N, C, 2 * H, 2 * W}, up2: x}
	upF := up.floats() // written out, as anything but the Conv reads it
	for o := range 2 * H * 2 * W {
		oy, ox := o/(2*W), o%(2*W)
		if upF[o] != x.F[(oy/2)*W+ox/2] {
			t.Fatalf("upsampled value %d is %g", o, upF[o])
		}
	}
	g := conv2d{n: N, c: C, h: 2 * H, w: 2 * W, m: M, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1,
		pt: 1, pb: 1, pl: 1, pr: 1, group: 1, ho: 2 * H, wo: 2 * W}
	want := make([]float32, N*M*4*H*W)
	for ch := range M { // convDirect, one output channel at a time, on the written-out map
		gc := g
		gc.m, gc.group = 1, 1
		one := make([]float32, N*4*H*W)
		wc := w[ch*C*9 : (ch+1)*C*9]
		convDirect(gc, upF, wc, bias[ch:ch+1], one)
		for i := range N {
			copy(want[(i*M+ch)*4*H*W:(i*M+ch+1)*4*H*W], one[i*4*H*W:(i+1)*4*H*W])
		}
	}
	got := make([]float32, len(want))
	convUp2(g, x.F, w, bias, got)
	if d := maxDiff(got, want); d > 1e-5 {
		t.Fatalf("convUp2 differs from the convolution of the upsampled map by %g", d)
	}
}
