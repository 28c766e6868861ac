package main

import (
	"os"
	"testing"
)

// tempDir is t.TempDir without failing the test when removal fails: under
// Wine 8, Go 1.26's os.RemoveAll gets "Invalid function" from the POSIX
// delete semantics it asks Windows for (a Wine gap, not a test failure).
func tempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "nativetls-cli-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(d) })
	return d
}
