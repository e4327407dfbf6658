package vae

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
)

// Spacing says how grid coordinates are spread.
type Spacing int

const (
	// Linear spaces n points evenly over [-Range, Range].
	Linear Spacing = iota
	// Quantile places n points at the Normal quantiles of probabilities
	// evenly spaced in (0, 1), as the Keras VAE example does: equal
	// prior mass between neighbours, so the grid covers where z lives.
	Quantile
)

// GridSpec describes a grid of latent points over two dimensions.
type GridSpec struct {
	N       int     // points per side
	Spacing Spacing // Linear or Quantile
	Range   float64 // half-width for Linear (default 3)
	DimX    int     // latent dimension along x (columns)
	DimY    int     // latent dimension along y (rows)
	// Base gives the other dimensions' values (nil: all 0).
	Base []float32
}

// Axis returns the n coordinates of one grid axis, ascending.
func (g GridSpec) Axis() []float64 {
	v := make([]float64, g.N)
	r := g.Range
	if r <= 0 {
		r = 3
	}
	for i := range v {
		switch g.Spacing {
		case Quantile:
			// Probabilities (i+0.5)/n: symmetric, never 0 or 1.
			v[i] = NormalQuantile((float64(i) + 0.5) / float64(g.N))
		default:
			if g.N == 1 {
				v[i] = 0
			} else {
				v[i] = -r + 2*r*float64(i)/float64(g.N-1)
			}
		}
	}
	return v
}

// Points returns the grid's N*N latent points (N*N x latent values), row
// by row from the top: row 0 has the largest y, as on a plot.
func (g GridSpec) Points(latent int) ([]float32, error) {
	if g.N < 1 || g.N > 100 {
		return nil, fmt.Errorf("grid of %d points per side; want 1..100", g.N)
	}
	if g.DimX < 0 || g.DimX >= latent || g.DimY < 0 || g.DimY >= latent || (g.DimX == g.DimY && latent > 1) {
		return nil, fmt.Errorf("grid dimensions %d,%d: want two different dimensions in 0..%d", g.DimX, g.DimY, latent-1)
	}
	if g.Base != nil && len(g.Base) != latent {
		return nil, fmt.Errorf("grid base point has %d values, the model %d", len(g.Base), latent)
	}
	ax := g.Axis()
	pts := make([]float32, g.N*g.N*latent)
	for r := 0; r < g.N; r++ {
		for c := 0; c < g.N; c++ {
			p := pts[(r*g.N+c)*latent : (r*g.N+c+1)*latent]
			copy(p, g.Base)
			p[g.DimX] = float32(ax[c])
			if latent > 1 {
				p[g.DimY] = float32(ax[g.N-1-r])
			}
		}
	}
	return pts, nil
}

// NormalQuantile is the inverse of the standard Normal CDF.
func NormalQuantile(p float64) float64 {
	return math.Sqrt2 * math.Erfinv(2*p-1)
}

// Lerp returns a + t*(b-a).
func Lerp(a, b []float32, t float64) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(float64(a[i]) + t*float64(b[i]-a[i]))
	}
	return out
}

// Slerp interpolates along the great circle from a to b, scaling the norm
// linearly between theirs (White, "Sampling Generative Networks"): points
// keep the typical radius of a Gaussian sample instead of cutting through
// the low-density centre. Nearly parallel or zero vectors fall back to
// Lerp.
func Slerp(a, b []float32, t float64) []float32 {
	na, nb := Norm(a), Norm(b)
	if na < 1e-9 || nb < 1e-9 {
		return Lerp(a, b, t)
	}
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	cos := math.Max(-1, math.Min(1, dot/(na*nb)))
	omega := math.Acos(cos)
	if math.Sin(omega) < 1e-6 {
		return Lerp(a, b, t)
	}
	s0 := math.Sin((1-t)*omega) / math.Sin(omega)
	s1 := math.Sin(t*omega) / math.Sin(omega)
	r := (1-t)*na + t*nb
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(r * (s0*float64(a[i])/na + s1*float64(b[i])/nb))
	}
	return out
}

// Norm is the Euclidean length of v.
func Norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// Path returns steps points from a to b inclusive (steps >= 2), by Lerp or
// Slerp, flattened.
func Path(a, b []float32, steps int, slerp bool) ([]float32, error) {
	if len(a) != len(b) || len(a) == 0 {
		return nil, errors.New("interpolation endpoints differ in size")
	}
	if steps < 2 || steps > 1000 {
		return nil, fmt.Errorf("%d interpolation steps; want 2..1000", steps)
	}
	out := make([]float32, 0, steps*len(a))
	for i := 0; i < steps; i++ {
		t := float64(i) / float64(steps-1)
		if slerp {
			out = append(out, Slerp(a, b, t)...)
		} else {
			out = append(out, Lerp(a, b, t)...)
		}
	}
	return out, nil
}

// Sample draws n points from N(0, temperature^2 I) of the given size.
func Sample(rng *rand.Rand, n, latent int, temperature float64) []float32 {
	z := make([]float32, n*latent)
	for i := range z {
		z[i] = float32(rng.NormFloat64() * temperature)
	}
	return z
}

// MeanOf returns the mean of n vectors of size latent stored row by row.
func MeanOf(vectors []float32, latent int) []float32 {
	n := len(vectors) / latent
	mean := make([]float32, latent)
	if n == 0 {
		return mean
	}
	acc := make([]float64, latent)
	for i := 0; i < n; i++ {
		for j := range acc {
			acc[j] += float64(vectors[i*latent+j])
		}
	}
	for j := range mean {
		mean[j] = float32(acc[j] / float64(n))
	}
	return mean
}

// ClassMeans returns each label's mean latent vector from latent means
// (n x latent) and their labels; labels absent from the data are missing
// from the map.
func ClassMeans(means []float32, labels []uint8, latent int) map[uint8][]float32 {
	groups := map[uint8][]float32{}
	for i, l := range labels {
		groups[l] = append(groups[l], means[i*latent:(i+1)*latent]...)
	}
	out := make(map[uint8][]float32, len(groups))
	for l, g := range groups {
		out[l] = MeanOf(g, latent)
	}
	return out
}

// ConceptVector is the difference of two sets' mean latent codes, mean(A)
// - mean(B): adding it to a code moves it from B's kind towards A's.
func ConceptVector(a, b []float32, latent int) ([]float32, error) {
	if len(a) < latent || len(b) < latent {
		return nil, errors.New("a concept vector needs at least one image on each side")
	}
	ma, mb := MeanOf(a, latent), MeanOf(b, latent)
	for i := range ma {
		ma[i] -= mb[i]
	}
	return ma, nil
}

// AddScaled returns z + s*v.
func AddScaled(z, v []float32, s float64) []float32 {
	out := make([]float32, len(z))
	for i := range z {
		out[i] = z[i] + float32(s)*v[i]
	}
	return out
}
