package pkcs11

import (
	"os"
	"strings"
	"testing"
)

// tempDir is t.TempDir without failing the test when removal fails: under
// Wine 8, Go's os.RemoveAll gets "Invalid function" from the POSIX delete
// semantics it asks Windows for (a Wine gap, not a test failure).
func tempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "nativetls-pkcs11-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(d) })
	return d
}

// uriPath percent-encodes a file path for a pkcs11: URI attribute
// (Windows paths have '\').
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", `\`, "%5C", " ", "%20").Replace(p)
}
