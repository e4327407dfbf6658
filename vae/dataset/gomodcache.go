package dataset

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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

// ModuleCopy returns the Go module cache's folder of src's files when
// src has a Go module and the cache holds every file verified, else "".
// It never touches the network.
func (d *Downloader) ModuleCopy(src Source) string {
	if mod := d.moduleDir(src); mod != "" && allVerified(mod, src) {
		return mod
	}
	return ""
}

// moduleDir is where the Go module cache keeps src.GoModule's files, or ""
// (GOMODCACHE, else GOPATH/pkg/mod, else what `go env GOMODCACHE` says,
// else ~/go/pkg/mod; d.ModCache in tests).
func (d *Downloader) moduleDir(src Source) string {
	if src.GoModule == "" {
		return ""
	}
	root := d.ModCache
	if root == "" {
		root = os.Getenv("GOMODCACHE")
	}
	if root == "" {
		if gp := os.Getenv("GOPATH"); gp != "" {
			root = filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
		} else if gm := goEnvModCache(); gm != "" {
			root = gm
		} else if home, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(home, "go", "pkg", "mod")
		}
	}
	if root == "" {
		return ""
	}
	return filepath.Join(root, filepath.FromSlash(escapeModule(src.GoModule)), src.ModuleDir)
}

// escapeModule encodes a module path@version as the module cache names it:
// each upper-case letter becomes '!' and its lower case.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
