package vae

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Analysis is what a model makes of one image: the mean and log-variance
// of its latent Gaussian, the reconstruction decoded from the mean, the
// reconstruction error (nats) and its percentile among the held-out
// images' errors (NaN without held-out statistics).
type Analysis struct {
	Mean, Logvar []float32
	Recon        []float32
	Error        float32
	Percentile   float64
	// A conditional model's image is analysed given a class: Class,
	// the one given or the most likely; Scores, its -ELBO given each
	// class (nats; nil for other models); Analogy, its code decoded as
	// each of the first AnalogyMax classes (its style, every class).
	Class   int
	Scores  []float64
	Analogy []float32
}

// AnalogyMax is how many classes an analysis redraws the image as.
const AnalogyMax = 20

// conditionalAnalyser is a conditional model (*Model, or one given a
// class: *Conditioned).
type conditionalAnalyser interface {
	Classify(image []float32) (*Classification, error)
	EncodeGiven(images []float32, labels []uint8) (mean, logvar []float32, err error)
	DecodeGiven(z []float32, labels []uint8) ([]float32, error)
	ReconErrorsGiven(images []float32, labels []uint8) ([]float32, error)
}

// Analyse encodes one image (the model's ImageSize values in [0, 1]) and
// reconstructs it.
// The app's dropped images and the CLI's reconstruct command use it.
func (m *Model) Analyse(image []float32) (*Analysis, error) { return Analyse(m, image) }

// Reconstructor is a model that encodes images and decodes their codes:
// this app's models and ONNX decoders with their encoder. Analyse and
// RankByError are written once for every such model.
type Reconstructor interface {
	Explorable
	Encode(images []float32) (mean, logvar []float32, err error)
	// ReconErrors is each image's reconstruction error (nats), decoded
	// from its latent mean.
	ReconErrors(images []float32) ([]float32, error)
}

// Analyse encodes one image with m, reconstructs it from its latent mean
// and scores it against the held-out statistics.
func Analyse(m Reconstructor, image []float32) (*Analysis, error) {
	return AnalyseAs(m, image, -1)
}

// AnalyseAs is Analyse; a conditional model's image is analysed given
// class (-1: the most likely by -ELBO), with its class scores and its
// style redrawn as every class.
func AnalyseAs(m Reconstructor, image []float32, class int) (*Analysis, error) {
	if len(image) != m.Image().Size() {
		return nil, fmt.Errorf("analyse: %d values, want one %s image", len(image), m.Image())
	}
	if c, ok := m.(conditionalAnalyser); ok && m.Config().Conditional() {
		return analyseGiven(m, c, image, class)
	}
	mean, logvar, err := m.Encode(image)
	if err != nil {
		return nil, err
	}
	recon, err := m.Decode(mean)
	if err != nil {
		return nil, err
	}
	errs, err := m.ReconErrors(image)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Mean: mean, Logvar: logvar, Recon: recon, Error: errs[0], Percentile: math.NaN()}
	if h := m.HeldOut(); h != nil {
		a.Percentile = h.Percentile(errs[0])
	}
	return a, nil
}

// analyseGiven analyses a conditional model's image given class (-1:
// the most likely).
func analyseGiven(m Reconstructor, c conditionalAnalyser, image []float32, class int) (*Analysis, error) {
	K := m.Config().Condition
	if class >= K {
		return nil, fmt.Errorf("analyse: class %d: the model knows classes 0 to %d", class, K-1)
	}
	cl, err := c.Classify(image)
	if err != nil {
		return nil, err
	}
	if class < 0 {
		class = cl.Class
	}
	lab := []uint8{uint8(class)}
	mean, logvar, err := c.EncodeGiven(image, lab)
	if err != nil {
		return nil, err
	}
	recon, err := c.DecodeGiven(mean, lab)
	if err != nil {
		return nil, err
	}
	errs, err := c.ReconErrorsGiven(image, lab)
	if err != nil {
		return nil, err
	}
	n := min(K, AnalogyMax)
	codes := make([]float32, 0, n*len(mean))
	labels := make([]uint8, n)
	for k := range n {
		codes = append(codes, mean...)
		labels[k] = uint8(k)
	}
	analogy, err := c.DecodeGiven(codes, labels)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Mean: mean, Logvar: logvar, Recon: recon, Error: errs[0], Percentile: math.NaN(),
		Class: class, Scores: cl.Scores, Analogy: analogy}
	if h := m.HeldOut(); h != nil {
		a.Percentile = h.Percentile(errs[0])
	}
	return a, nil
}

// ClassProbabilities turns -ELBO scores into a distribution over classes,
// softmax(-score): what the bar chart "which class is this" shows (the
// ELBO bounds log p(x | c), the classes equally likely beforehand).
func ClassProbabilities(scores []float64) []float64 {
	out := make([]float64, len(scores))
	if len(scores) == 0 {
		return out
	}
	lo := scores[0]
	for _, s := range scores {
		lo = min(lo, s)
	}
	var sum float64
	for i, s := range scores {
		out[i] = math.Exp(lo - s)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// Ranking orders images by how badly a model reconstructs them.
type Ranking struct {
	Errors []float32 // each image's reconstruction error, in the images' order
	Sorted []float32 // the same errors, ascending
	Worst  []int     // indices of the worst images, worst first
	// Images and Recons hold the worst images and their reconstructions
	// (from their latent means), in Worst's order, Size values each; Means
	// their latent means (Latent values each).
	Images, Recons, Means []float32
	// Size is the number of values in one image.
	Size int
}

// RankByError measures every image's reconstruction error and keeps the
// top worst with their reconstructions. The app's anomaly view and the
// CLI's anomalies command use it.
func (m *Model) RankByError(images []float32, top int) (*Ranking, error) {
	return RankByError(m, images, top)
}

// RankByErrorGiven is RankByError for a conditional model: each image
// is reconstructed given its label (labels, one per image), as its
// held-out -ELBO is.
func (m *Model) RankByErrorGiven(images []float32, labels []uint8, top int) (*Ranking, error) {
	return RankByErrorGiven(m, images, labels, top)
}

// RankByError is Model.RankByError for any model that reconstructs.
func RankByError(m Reconstructor, images []float32, top int) (*Ranking, error) {
	return RankByErrorGiven(m, images, nil, top)
}

// RankByErrorGiven is RankByError; a conditional model reconstructs each
// image given its label (labels; nil for other models).
func RankByErrorGiven(m Reconstructor, images []float32, labels []uint8, top int) (*Ranking, error) {
	size := m.Image().Size()
	c, cond := m.(conditionalAnalyser)
	cond = cond && m.Config().Conditional()
	if cond && len(labels) != len(images)/max(size, 1) {
		return nil, fmt.Errorf("anomalies: %w (one label per image)", ErrNeedsClass)
	}
	var errs []float32
	var err error
	if cond {
		errs, err = c.ReconErrorsGiven(images, labels)
	} else {
		errs, err = m.ReconErrors(images)
	}
	if err != nil {
		return nil, err
	}
	order := make([]int, len(errs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return errs[order[a]] > errs[order[b]] })
	r := &Ranking{Errors: errs, Sorted: slices.Clone(errs), Worst: order[:min(max(top, 0), len(order))], Size: size}
	slices.Sort(r.Sorted)
	var worstLabels []uint8
	for _, i := range r.Worst {
		r.Images = append(r.Images, images[i*size:(i+1)*size]...)
		if cond {
			worstLabels = append(worstLabels, labels[i])
		}
	}
	if len(r.Worst) > 0 {
		var mean []float32
		if cond {
			mean, _, err = c.EncodeGiven(r.Images, worstLabels)
		} else {
			mean, _, err = m.Encode(r.Images)
		}
		if err != nil {
			return nil, err
		}
		r.Means = mean
		if cond {
			r.Recons, err = c.DecodeGiven(mean, worstLabels)
		} else {
			r.Recons, err = m.Decode(mean)
		}
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Percentile is the share (0..100) of the ranked images whose error is
// below e.
func (r *Ranking) Percentile(e float32) float64 {
	i, _ := slices.BinarySearch(r.Sorted, e)
	return 100 * float64(i) / float64(len(r.Sorted))
}

// Sheet lays the worst images out for a picture: rows of up to cols
// originals, each followed by the row of their reconstructions, short rows
// padded with blank images.
func (r *Ranking) Sheet(cols int) []float32 {
	var sheet []float32
	n := len(r.Worst)
	for k := 0; k < n; k += cols {
		c := min(cols, n-k)
		for _, src := range [][]float32{r.Images, r.Recons} {
			sheet = append(sheet, src[k*r.Size:(k+c)*r.Size]...)
			sheet = append(sheet, make([]float32, (cols-c)*r.Size)...)
		}
	}
	return sheet
}
