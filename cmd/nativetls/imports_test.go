package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCLIIsALibraryConsumer: the CLI reaches the platforms only through
// native's trust.Backend, so any program can do what it does. No file of
// the command (for any GOOS) imports a platform package directly.
func TestCLIIsALibraryConsumer(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	forbidden := []string{"linux", "windows", "darwin", "pkcs11"}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, im := range af.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			for _, p := range forbidden {
				if path == "github.com/nativetls/nativetls/"+p || strings.HasPrefix(path, "github.com/nativetls/nativetls/"+p+"/") {
					t.Errorf("%s imports %s: use native.Backend() (Install, Uninstall, Keys, Capabilities) instead", f, path)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d files", checked)
	}
}

// TestCommandFunctionsShort: each command reads parse → decide → print; no
// function of the CLI (tests aside) is over 60 lines.
func TestCommandFunctionsShort(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > 60 {
					t.Errorf("%s: %s is %d lines; split it (parse, decide, print) below 60", f, fd.Name.Name, n)
				}
			}
		}
	}
}
