// Package testfs holds file-system helpers shared by the tests of several
// packages: a temporary directory that tolerates Wine, and the endless or
// oversized files every loader of untrusted input must refuse promptly.
package testfs

import (
	"os"
	"testing"
	"time"
)

// TempDir is t.TempDir without failing the test when removal fails: under
// Wine 8, Go 1.26's os.RemoveAll gets "Invalid function" from the POSIX
// delete semantics it asks Windows for (a Wine gap, not a test failure).
func TempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "nativetls-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(d) })
	return d
}

// WithinTimeout is how long Within waits.
const WithinTimeout = 20 * time.Second

// Within runs f and fails the test if it has not returned after
// WithinTimeout: the failure being caught is an endless read or a blocked
// open. It returns f's error.
func Within(t testing.TB, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(WithinTimeout):
		t.Fatalf("%s: still reading after %v", what, WithinTimeout)
		return nil
	}
}
