package windows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestWin32PointersKeptAlive reads internal/win32 and package windows and
// fails for every uintptr(unsafe.Pointer(x)) that is not an argument of the
// syscall.SyscallN call itself (the only place Go keeps x alive and
// unmoved) unless the same function calls runtime.KeepAlive(x) after it.
// A pointer passed as uintptr through an ordinary function (such as
// x/sys's CertOpenStore para) can otherwise be freed during the call.
func TestWin32PointersKeptAlive(t *testing.T) {
	files, _ := filepath.Glob("internal/win32/*.go")
	more, _ := filepath.Glob("*_windows.go")
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			checked += checkKeepAlive(t, fset, fn)
		}
	}
	if checked == 0 {
		t.Fatal("no uintptr(unsafe.Pointer(...)) conversion found: the test reads the wrong files")
	}
}

// checkKeepAlive checks one function and returns how many conversions it saw.
func checkKeepAlive(t *testing.T, fset *token.FileSet, fn *ast.FuncDecl) int {
	kept := map[string]token.Pos{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && exprString(c.Fun) == "runtime.KeepAlive" && len(c.Args) == 1 {
			kept[strings.TrimPrefix(exprString(c.Args[0]), "&")] = c.Pos()
		}
		return true
	})
	n := 0
	var visit func(node ast.Node, inSyscall bool)
	visit = func(node ast.Node, inSyscall bool) {
		ast.Inspect(node, func(m ast.Node) bool {
			c, ok := m.(*ast.CallExpr)
			if !ok {
				return true
			}
			if strings.HasPrefix(exprString(c.Fun), "syscall.Syscall") && c != node {
				for _, a := range c.Args {
					visit(a, true)
				}
				return false
			}
			if x, ok := pointerConversion(c); ok {
				n++
				pos, kept := kept[strings.TrimPrefix(x, "&")]
				if !inSyscall && (!kept || pos < c.Pos()) && !isValue(x) {
					t.Errorf("%s: %s: uintptr(unsafe.Pointer(%s)) outside a syscall expression without runtime.KeepAlive(%s) after it", fset.Position(c.Pos()), fn.Name.Name, x, x)
				}
				return false
			}
			return true
		})
	}
	visit(fn.Body, false)
	return n
}

// isValue reports an operand that is not Go memory the collector could
// free (a pointer the OS returned, read for its numeric value only).
func isValue(x string) bool { return strings.HasPrefix(x, "ri.") }

// pointerConversion matches uintptr(unsafe.Pointer(x)) and returns x.
func pointerConversion(c *ast.CallExpr) (string, bool) {
	if exprString(c.Fun) != "uintptr" || len(c.Args) != 1 {
		return "", false
	}
	in, ok := c.Args[0].(*ast.CallExpr)
	if !ok || exprString(in.Fun) != "unsafe.Pointer" || len(in.Args) != 1 {
		return "", false
	}
	return exprString(in.Args[0]), true
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.UnaryExpr:
		return e.Op.String() + exprString(e.X)
	case *ast.CallExpr:
		return exprString(e.Fun) + "(…)"
	case *ast.IndexExpr:
		return exprString(e.X) + "[…]"
	}
	return "?"
}
