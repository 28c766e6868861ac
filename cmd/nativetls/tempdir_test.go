package main

import (
	"testing"

	"github.com/nativetls/nativetls/internal/testfs"
)

// tempDir is testfs.TempDir: t.TempDir that tolerates Wine's failing
// removal.
func tempDir(t testing.TB) string { return testfs.TempDir(t) }
