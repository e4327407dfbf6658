package embed

import (
	"unsafe"

	"vaeexplorer/vae"
)

// Layout is a nonlinear layout of held-out codes as the explorer's
// projection (vae.Projection): a held-out code sits at its layout point;
// any other code at the distance-weighted mean of its nearest codes'
// points; and a plane position lifts to the distance-weighted mean of the
// codes of its nearest layout points (inverse-distance weighting, power 2,
// over 8 neighbours): exact at every layout point and continuous between
// them, so a drag moves the code smoothly through the codes it passes.
type Layout struct {
	Method string // "UMAP"
	L      int
	codes  []float32 // n x L
	xy     []float32 // n x 2
	at     map[string]int
}

var _ vae.Projection = (*Layout)(nil)

// blend is how many neighbours a position or code is blended from.
const blend = 8

// NewLayout keeps codes (n x L) and their layout (n x 2), both copied.
func NewLayout(method string, codes []float32, L int, xy []float32) *Layout {
	l := &Layout{Method: method, L: L, codes: append([]float32(nil), codes...), xy: append([]float32(nil), xy...), at: map[string]int{}}
	for i := range len(codes) / L {
		l.at[key(codes[i*L:(i+1)*L])] = i
	}
	return l
}

// key is a code's bytes (held-out codes are found exactly).
func key(z []float32) string {
	if len(z) == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&z[0])), 4*len(z)))
}

// Points is the number of codes laid out.
func (l *Layout) Points() int { return len(l.xy) / 2 }

// nearest returns the indices and squared distances of the k rows of
// rows (dim values each) nearest q, nearest first.
func nearest(rows []float32, dim int, q []float32, k int) ([]int, []float64) {
	idx := make([]int, 0, k)
	d2 := make([]float64, 0, k)
	for i := range len(rows) / dim {
		r := rows[i*dim : (i+1)*dim]
		s := 0.0
		for t, v := range q {
			d := float64(v - r[t])
			s += d * d
		}
		if len(idx) == k && s >= d2[k-1] {
			continue
		}
		if len(idx) < k {
			idx, d2 = append(idx, 0), append(d2, 0)
		}
		at := len(idx) - 1
		for at > 0 && d2[at-1] > s {
			idx[at], d2[at] = idx[at-1], d2[at-1]
			at--
		}
		idx[at], d2[at] = i, s
	}
	return idx, d2
}

// Project is a held-out code's layout point, or another code's blend of
// its nearest codes' points.
func (l *Layout) Project(z []float32) (x, y float64) {
	if i, ok := l.at[key(z)]; ok {
		return float64(l.xy[2*i]), float64(l.xy[2*i+1])
	}
	idx, w := weights(nearest(l.codes, l.L, z, blend+1))
	var sw float64
	for k, i := range idx {
		x += w[k] * float64(l.xy[2*i])
		y += w[k] * float64(l.xy[2*i+1])
		sw += w[k]
	}
	return x / sw, y / sw
}

// Lift is the blend of the codes of the layout points nearest (x, y); z
// is not used (the plane holds the whole code).
func (l *Layout) Lift(_ []float32, x, y float64) []float32 {
	idx, w := weights(nearest(l.xy, 2, []float32{float32(x), float32(y)}, blend+1))
	out := make([]float32, l.L)
	acc := make([]float64, l.L)
	var sw float64
	for k, i := range idx {
		for t := range l.L {
			acc[t] += w[k] * float64(l.codes[i*l.L+t])
		}
		sw += w[k]
	}
	for t := range out {
		out[t] = float32(acc[t] / sw)
	}
	return out
}

// weights are the blend's weights of the nearest points (squared
// distances d2, nearest first, one more than blended): 1/d² less 1/d² of
// the first point left out, so a point joins or leaves the blend with
// weight 0 and the blend moves continuously. At a point's exact position
// it alone counts.
func weights(idx []int, d2 []float64) ([]int, []float64) {
	if len(idx) > 0 && d2[0] < 1e-12 {
		return idx[:1], []float64{1}
	}
	n := len(idx)
	cut := 0.0
	if n > blend {
		cut, n = 1/d2[blend], blend
	}
	w := make([]float64, n)
	for k := range n {
		w[k] = 1/d2[k] - cut
	}
	if n > 0 && w[0] <= 0 { // every blended point as far as the cut: equal weights
		for k := range w {
			w[k] = 1
		}
	}
	return idx[:n], w
}

// PlaneSD is 0: a nonlinear layout has no scale for a Gaussian's spread.
func (l *Layout) PlaneSD([]float32) (sx, sy float64) { return 0, 0 }

// AxisNames say the axes are unitless.
func (l *Layout) AxisNames() (x, y string) {
	return l.Method + " 1 (unitless)", l.Method + " 2 (unitless)"
}
