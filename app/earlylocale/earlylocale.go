// Package earlylocale rewrites a "C.UTF-8" locale to the equivalent "C"
// before Fyne's lang package reads it: Fyne cannot parse "C.UTF-8" and
// logs three lines of "Error parsing user locale C" on every start, which
// would pollute every CLI command's stderr. ("C" is the same locale; Go
// never uses the encoding part.)
//
// It is its own module only for its import path: Go initialises packages
// in import-path order among those whose imports are ready (Go 1.21+), and
// "early.local/..." sorts before "fyne.io/...", while any path in module
// vaeexplorer sorts after.
package earlylocale

import (
	"os"
	"strings"
)

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if base, _, ok := strings.Cut(v, "."); ok && (base == "C" || base == "POSIX") {
			os.Setenv(k, base)
		}
		return // the first one set is the one that counts
	}
}
