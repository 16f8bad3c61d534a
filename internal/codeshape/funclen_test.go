package codeshape

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines bounds every function (and function literal) outside tests in
// the packages that hold the server's moving parts: a function longer than a
// screen does more than one thing (issue 14).
const maxFuncLines = 70

var checkedTrees = []string{"../../lobby", "../../transport"}

func TestNoFunctionLongerThanTheLimit(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	for _, root := range checkedTrees {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			checked++
			ast.Inspect(f, func(n ast.Node) bool {
				name, body := funcOf(n)
				if body == nil {
					return true
				}
				start, end := fset.Position(n.Pos()), fset.Position(n.End())
				if lines := end.Line - start.Line + 1; lines > maxFuncLines {
					t.Errorf("%s:%d: %s is %d lines long (at most %d)", path, start.Line, name, lines, maxFuncLines)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d files checked: the trees moved?", checked)
	}
}

func funcOf(n ast.Node) (string, *ast.BlockStmt) {
	switch d := n.(type) {
	case *ast.FuncDecl:
		return d.Name.Name, d.Body
	case *ast.FuncLit:
		return "a function literal", d.Body
	}
	return "", nil
}
