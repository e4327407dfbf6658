package dataset

import (
	"math"
	"math/rand"
)

// Synthetic draws n generated 28x28 "digits" with labels 0..9 in turn:
// ten classes of strokes (a ring, bars at class-specific angles, a dot)
// with random position, size, thickness and slant. Tests and benchmarks
// use them where real MNIST is not at hand.
func Synthetic(n int, seed int64) *Set {
	rng := rand.New(rand.NewSource(seed))
	const side = 28
	s := &Set{Images: &Images{N: n, Rows: side, Cols: side, Pix: make([]uint8, n*side*side)},
		Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		k := i % 10
		s.Labels[i] = uint8(k)
		img := s.Pix[i*side*side : (i+1)*side*side]
		cx, cy := 14+rng.Float64()*3-1.5, 14+rng.Float64()*3-1.5
		scale := 0.8 + rng.Float64()*0.35
		thick := 1.2 + rng.Float64()*1.2
		slant := rng.Float64()*0.4 - 0.2
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				dx, dy := (float64(x)-cx)/scale, (float64(y)-cy)/scale
				dx -= slant * dy
				d := math.Inf(1)
				if k%2 == 0 { // a ring whose radius grows with the class
					r := 4 + float64(k)*0.6
					d = math.Abs(math.Hypot(dx, dy*0.8) - r)
				}
				// a bar at a class-specific angle
				a := float64(k) * math.Pi / 10
				ux, uy := math.Cos(a), math.Sin(a)
				along := dx*ux + dy*uy
				across := math.Abs(-dx*uy + dy*ux)
				if math.Abs(along) <= 8 {
					d = math.Min(d, across)
				}
				if k >= 5 { // and a dot off-centre
					d = math.Min(d, math.Hypot(dx-5, dy+6)-1)
				}
				v := 1 - (d-thick/2)/1.2
				img[y*side+x] = uint8(math.Min(math.Max(v, 0), 1)*255 + 0.5)
			}
		}
	}
	return s
}
