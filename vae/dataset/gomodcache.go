package dataset

import (
	"context"
	"os/exec"
	"strings"
	"sync"
	"time"
)

var (
	goEnvOnce sync.Once
	goEnvDir  string
)

// goEnvModCache is the module cache the go command uses (go env
// GOMODCACHE: it knows go env -w settings and a GOPATH the app's
// environment may lack), or "" without a go command. Asked once.
func goEnvModCache() string {
	goEnvOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output()
		if err == nil {
			goEnvDir = strings.TrimSpace(string(out))
		}
	})
	return goEnvDir
}
