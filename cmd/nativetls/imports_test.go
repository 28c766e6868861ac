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

// sourceFile is one parsed Go file of the command (tests aside).
type sourceFile struct {
	name string
	fset *token.FileSet
	ast  *ast.File
}

// commandSources parses the command's Go files for every GOOS, tests
// aside, with mode.
func commandSources(t *testing.T, mode parser.Mode) []sourceFile {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	var files []sourceFile
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, name, nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, sourceFile{name, fset, af})
	}
	if len(files) < 5 {
		t.Fatalf("found only %d files", len(files))
	}
	return files
}

// TestCLIIsALibraryConsumer: the CLI reaches the platforms only through
// native's trust.Backend, so any program can do what it does. No file of
// the command (for any GOOS) imports a platform package directly.
func TestCLIIsALibraryConsumer(t *testing.T) {
	forbidden := []string{"linux", "windows", "darwin", "pkcs11"}
	for _, f := range commandSources(t, parser.ImportsOnly) {
		for _, im := range f.ast.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			for _, p := range forbidden {
				if path == "github.com/nativetls/nativetls/"+p || strings.HasPrefix(path, "github.com/nativetls/nativetls/"+p+"/") {
					t.Errorf("%s imports %s: use native.Backend() (Install, Uninstall, Keys, Capabilities) instead", f.name, path)
				}
			}
		}
	}
}

// TestCommandFunctionsShort: each command reads parse → decide → print; no
// function of the CLI (tests aside) is over 60 lines.
func TestCommandFunctionsShort(t *testing.T) {
	for _, f := range commandSources(t, 0) {
		for _, d := range f.ast.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if n := f.fset.Position(fd.End()).Line - f.fset.Position(fd.Pos()).Line + 1; n > 60 {
					t.Errorf("%s: %s is %d lines; split it (parse, decide, print) below 60", f.name, fd.Name.Name, n)
				}
			}
		}
	}
}
