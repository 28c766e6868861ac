package darwin

import (
	"fmt"
	"os"
	"testing"
)

// TestMain prints every SecTrust evaluation the darwin tests make (plan,
// verdict, OSStatus, CFError description, failed checks, status codes and
// the whole SecTrustCopyResult dictionary) unless NATIVETLS_DARWIN_TRACE=0:
// until this code has run on many Macs, every run should say exactly what
// Apple returned. The CI's macOS job keeps the output as an artifact.
func TestMain(m *testing.M) {
	if os.Getenv("NATIVETLS_DARWIN_TRACE") != "0" {
		setTracer(func(s string) { fmt.Fprintln(os.Stdout, s) })
	}
	os.Exit(m.Run())
}
