package lang

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// decls maps the top-level names a file declares to their function
// signature ("" for variables and constants).
func decls(t *testing.T, file string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			var b strings.Builder
			if err := printer.Fprint(&b, fset, d.Type); err != nil {
				t.Fatal(err)
			}
			out[d.Name.Name] = b.String()
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if v, ok := s.(*ast.ValueSpec); ok {
					for _, n := range v.Names {
						out[n.Name] = ""
					}
				}
			}
		}
	}
	return out
}

// TestSameAPIAsFyne checks this file can stand in for the lang.go of the
// Fyne in go.mod: every exported name Fyne's declares, with the same
// signature, and every name Fyne's other lang files use from it. A Fyne
// upgrade that changes lang.go fails here, not in the browser build.
func TestSameAPIAsFyne(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatalf("go list fyne.io/fyne/v2: %v", err)
	}
	langDir := filepath.Join(strings.TrimSpace(string(dir)), "lang")
	theirs := decls(t, filepath.Join(langDir, "lang.go"))
	ours := decls(t, "lang.go")

	need := map[string]bool{}
	for name := range theirs {
		if ast.IsExported(name) {
			need[name] = true
		}
	}
	others, err := filepath.Glob(filepath.Join(langDir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range others {
		if strings.HasSuffix(file, "_test.go") || filepath.Base(file) == "lang.go" {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if _, declared := theirs[id.Name]; declared {
					need[id.Name] = true
				}
			}
			return true
		})
	}
	if len(need) < 8 {
		t.Fatalf("found only %d names in %s: the parse went wrong", len(need), langDir)
	}
	for name := range need {
		sig, ok := ours[name]
		if !ok {
			t.Errorf("%s is missing (Fyne's lang.go declares it)", name)
		} else if sig != theirs[name] {
			t.Errorf("%s: ours is %s, Fyne's is %s", name, sig, theirs[name])
		}
	}
}

func TestEnglish(t *testing.T) {
	if got := L("Cancel"); got != "Cancel" {
		t.Errorf(`L("Cancel") = %q`, got)
	}
	if got := X("file.parent", "Parent"); got != "Parent" {
		t.Errorf(`X("file.parent", "Parent") = %q`, got)
	}
	if got := XN("n.files", "Files", 2); got != "Files" {
		t.Errorf(`XN = %q`, got)
	}
}
