package model_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestModelIsPure enforces the model's contract (model/doc.go): it imports
// only the standard library and k8s.io/api and k8s.io/apimachinery types,
// never reads the wall clock, draws no random numbers, starts no goroutines
// and does no I/O.
func TestModelIsPure(t *testing.T) {
	forbiddenImports := map[string]bool{
		"math/rand": true, "math/rand/v2": true, "crypto/rand": true, "os": true, "io": true,
		"net": true, "net/http": true, "sync": true, "io/ioutil": true, "os/exec": true, "unsafe": true,
	}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		file, err := parser.ParseFile(fset, f, src, 0)
		require.NoError(t, err)
		checked++
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			std := !strings.Contains(strings.SplitN(p, "/", 2)[0], ".")
			ok := (std && !forbiddenImports[p]) || strings.HasPrefix(p, "k8s.io/api/") || strings.HasPrefix(p, "k8s.io/apimachinery/")
			require.Truef(t, ok, "%s imports %s", f, p)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: go statement at %v", f, fset.Position(x.Pos()))
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok && id.Name == "time" {
					switch x.Sel.Name {
					case "Now", "Since", "Until", "Sleep", "After", "Tick", "NewTimer", "NewTicker", "AfterFunc":
						t.Errorf("%s: time.%s at %v reads or waits on the wall clock", f, x.Sel.Name, fset.Position(x.Pos()))
					}
				}
			}
			return true
		})
	}
	require.Greater(t, checked, 3)
}
