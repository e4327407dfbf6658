package vae

import (
	"math"
	"runtime"
	"sync"
)

// exp32 is exp for float32 (Cephes expf: range reduction by ln 2 and a
// degree-5 polynomial), within 2 ulp of math.Exp over the float32 range and
// several times faster. Arguments beyond the float32 range saturate.
func exp32(x float32) float32 {
	const (
		hi    = 88.72283
		lo    = -87.33654
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	if x > hi {
		return float32(math.Inf(1))
	}
	if x < lo {
		return 0
	}
	if x != x {
		return x
	}
	fx := float32(math.Floor(float64(log2e*x + 0.5)))
	n := int32(fx)
	x = x - fx*c1 - fx*c2
	z := x * x
	y := ((((1.9875691500e-4*x+1.3981999507e-3)*x+8.3334519073e-3)*x+4.1665795894e-2)*x+1.6666665459e-1)*x + 5.0000001201e-1
	y = y*z + x + 1
	// y * 2^n, n in [-126, 128]; split to stay in the normal range.
	if n > 127 {
		return y * 2 * math.Float32frombits(uint32(n-1+127)<<23)
	}
	if n < -126 {
		return y * math.Float32frombits(uint32(n+126+127)<<23) * (1.0 / (1 << 126) / 2)
	}
	return y * math.Float32frombits(uint32(n+127)<<23)
}

// log1pTable holds log(1+x) at x = i/log1pSteps for i = 0..log1pSteps.
const log1pSteps = 2048

var log1pTable = func() (t [log1pSteps + 2]float32) {
	for i := range t {
		t[i] = float32(math.Log1p(float64(i) / log1pSteps))
	}
	return t
}()

// log1pFast is log(1+x) for x in [0, 1] by linear interpolation in a
// table, within 1e-7 (interpolation 3e-8, h^2/8 with h = 1/2048, plus
// float32 rounding); below one step it uses the series. The loss's
// softplus evaluates it 100,000 times a step, where a polynomial logarithm
// cost a fifth of the training time (the openblas build computes the loss
// in vectorised C instead).
func log1pFast(x float32) float32 {
	if !(x >= 1.0/log1pSteps) { // small, or NaN (which passes through)
		return x - 0.5*x*x
	}
	f := x * log1pSteps
	i := int(f)
	if i >= log1pSteps {
		return log1pTable[log1pSteps]
	}
	frac := f - float32(i)
	return log1pTable[i] + (log1pTable[i+1]-log1pTable[i])*frac
}

// softplusSigmoid returns softplus(l) = log(1+exp(l)) and sigmoid(l),
// computed stably from one exponential of -|l|.
func softplusSigmoid(l float32) (sp, sg float32) {
	a := l
	if a > 0 {
		a = -a
	}
	e := exp32(a) // in (0, 1]
	inv := 1 / (1 + e)
	if l >= 0 {
		return l + log1pFast(e), inv
	}
	return log1pFast(e), e * inv
}

// sigmoid32 is the logistic function, stable for large |l|.
func sigmoid32(l float32) float32 {
	_, s := softplusSigmoid(l)
	return s
}

// parallelMin is the number of float32 elements below which a loop runs on
// one goroutine: splitting smaller work costs more than it saves.
const parallelMin = 1 << 15

var workers = runtime.GOMAXPROCS(0)

// parallelRows calls f on disjoint row ranges [r0, r1) covering 0..rows-1,
// on up to GOMAXPROCS goroutines when the work (rows*cols) is big enough.
func parallelRows(rows, cols int, f func(r0, r1 int)) {
	w := workers
	if rows*cols < parallelMin || w < 2 || rows < 2 {
		f(0, rows)
		return
	}
	if w > rows {
		w = rows
	}
	var wg sync.WaitGroup
	step := (rows + w - 1) / w
	for r0 := step; r0 < rows; r0 += step {
		r1 := min(r0+step, rows)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(r0, r1)
		}()
	}
	f(0, min(step, rows))
	wg.Wait()
}
