package dataset

import (
	"math"
	"math/rand"
	"slices"
)

// ShapeNames are the classes of Shapes, in label order.
var ShapeNames = []string{"disc", "square", "triangle", "ring"}

// Shapes draws n generated colour images of side x side pixels (RGB) with
// labels 0..3 in turn: a disc, a square, a triangle and a ring, each of a
// random colour, position and size on a dark background of another random
// colour, antialiased. Tests use them as a colour dataset whose colour and
// position vary.
func Shapes(n, side int, seed int64) *Set {
	rng := rand.New(rand.NewSource(seed))
	size := side * side * 3
	s := &Set{Images: &Images{N: n, Rows: side, Cols: side, Channels: 3, Pix: make([]uint8, n*size)},
		Labels: make([]uint8, n), Classes: slices.Clone(ShapeNames)}
	S := float64(side)
	for i := 0; i < n; i++ {
		k := i % len(ShapeNames)
		s.Labels[i] = uint8(k)
		img := s.Pix[i*size : (i+1)*size]
		fg := [3]float64{0.3 + 0.7*rng.Float64(), 0.3 + 0.7*rng.Float64(), 0.3 + 0.7*rng.Float64()}
		bg := [3]float64{0.25 * rng.Float64(), 0.25 * rng.Float64(), 0.25 * rng.Float64()}
		r := S * (0.16 + 0.12*rng.Float64())
		cx := r + 1 + rng.Float64()*(S-2*r-2)
		cy := r + 1 + rng.Float64()*(S-2*r-2)
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
				var d float64 // signed distance to the shape's edge, negative inside
				switch k {
				case 0:
					d = math.Hypot(dx, dy) - r
				case 1:
					d = math.Max(math.Abs(dx), math.Abs(dy)) - 0.85*r
				case 2: // pointing up: below the two slanted edges, above the base
					d = math.Max(math.Max(dy-0.7*r, (-dy-r)*0.5+math.Abs(dx)*0.87), -r)
				case 3:
					d = math.Abs(math.Hypot(dx, dy)-0.75*r) - 0.25*r
				}
				a := math.Min(math.Max(0.5-d, 0), 1) // coverage of the pixel
				for c := range 3 {
					img[(y*side+x)*3+c] = uint8((a*fg[c]+(1-a)*bg[c])*255 + 0.5)
				}
			}
		}
	}
	return s
}
