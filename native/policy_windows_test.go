//go:build windows

package native

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPolicyFileUnderProgramData: on Windows the system-wide policy file is
// %ProgramData%\nativetls\verify.conf (C:\ProgramData without the variable)
// and is read when NATIVETLS_VERIFY_CONF is not set.
func TestPolicyFileUnderProgramData(t *testing.T) {
	dir := tempDir(t)
	t.Setenv("ProgramData", dir)
	want := filepath.Join(dir, "nativetls", "verify.conf")
	if got := defaultPolicyFile(); got != want {
		t.Fatalf("defaultPolicyFile() = %q, want %q", got, want)
	}
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("[https]\nverify = disable\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	withPolicyEnv(t, nil, "", normalIDs)
	policyLookup = func(string) (string, bool) { return "", false } // no NATIVETLS_* variables
	resetPolicy()
	if p := Policy(); p.Setting != VerifyDisable || p.Source != want || len(p.Problems) != 0 {
		t.Errorf("Policy() = %s (source %q, problems %q), want disable from %s", p, p.Source, p.Problems, want)
	}
	t.Setenv("ProgramData", "")
	if got := defaultPolicyFile(); got != `C:\ProgramData\nativetls\verify.conf` {
		t.Errorf("without ProgramData: defaultPolicyFile() = %q", got)
	}
}
