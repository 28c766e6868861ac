//go:build windows

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	syswin "golang.org/x/sys/windows"
)

// TestWindowsInstallVerifyRoots drives the CLI on the Windows backend: the
// system store is CryptoAPI's. It installs testdata/pki/root.pem with
// `nativetls install` into the LocalMachine ROOT store when the process is
// elevated, into CurrentUser ROOT only under Wine (on real Windows that
// store shows a confirmation dialog, which hangs CI), so it runs only in a
// throwaway environment: under Wine with a fresh WINEPREFIX
// (ci/wine/run-tests.sh) or on a disposable Windows machine with
// NATIVETLS_WINDOWS_STORE_TESTS=1. When the root is already trusted (the CI
// workflow installs it before the tests), the install/uninstall half is
// skipped and the rest checks the verdicts. Every step is a new process, so
// Wine's once-per-process read of the ROOT store sees each change.
func TestWindowsInstallVerifyRoots(t *testing.T) {
	underWine := syswin.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
	elevated := syswin.GetCurrentProcessToken().IsElevated()
	optIn := os.Getenv("NATIVETLS_WINDOWS_STORE_TESTS") == "1"
	if !underWine && !(optIn && elevated) {
		t.Skip("this test writes to the ROOT certificate store: run it with bash ci/wine/run-tests.sh, or set NATIVETLS_WINDOWS_STORE_TESTS=1 in an elevated process on a disposable Windows machine")
	}
	scope := "user"
	if elevated {
		scope = "system"
	}
	d := pkiDir(t)
	p := func(n string) string { return filepath.Join(d, n) }
	env := baseEnv()
	verify := []string{"verify", "--leaf", p("leaf.pem"), "--intermediates", p("intermediate.pem"), "--system", "--host", "www.example.test"}
	const store = "Windows system trust (CryptoAPI)"

	r := runCLI(t, env, verify...)
	preinstalled := r.code == 0
	switch {
	case preinstalled:
		t.Log("the test root is already trusted (installed by the CI workflow): not installing or uninstalling it")
	case r.code != 1 || !strings.Contains(r.stderr, "unknown_authority"):
		t.Fatalf("verify before install: exit %d, want 1 (unknown_authority)\n%s%s", r.code, r.stdout, r.stderr)
	default:
		if r = runCLI(t, env, "install", p("root.pem"), "--store", scope); r.code != 0 {
			t.Fatalf("install: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		t.Cleanup(func() { runCLI(t, env, "uninstall", p("root.pem"), "--store", scope) })
	}

	r = runCLI(t, env, verify...)
	if r.code != 0 || !strings.Contains(r.stdout, "with "+store) {
		t.Errorf("verify after install: exit %d, want 0 with %s\n%s%s", r.code, store, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "verify", "--leaf", p("leaf-chain.pem"), "--system", "--host", "www.other.test", "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"reason": "hostname_mismatch"`) || !strings.Contains(r.stdout, `"backend": "windows"`) {
		t.Errorf("verify of the wrong host: exit %d, want 1 (hostname_mismatch by the windows backend)\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "verify", "--leaf", p("expired.pem"), "--intermediates", p("intermediate.pem"), "--system", "--host", "old.example.test")
	if r.code != 1 || !strings.Contains(r.stderr, "expired") {
		t.Errorf("verify of an expired leaf: exit %d, want 1 (expired)\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "roots", "--subject", "Test Root CA")
	if r.code != 0 || !strings.Contains(r.stdout, "CN=Test Root CA") {
		t.Errorf("roots after install: exit %d, want the installed root listed\n%s%s", r.code, r.stdout, r.stderr)
	}

	if preinstalled {
		return
	}
	if r = runCLI(t, env, "uninstall", p("root.pem"), "--store", scope); r.code != 0 {
		t.Fatalf("uninstall: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = runCLI(t, env, verify...); r.code != 1 {
		t.Errorf("verify after uninstall: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestWindowsDoctor: doctor on Windows reports the windows backend and its
// CryptoAPI stores, and its loopback self-test (native contexts, the system
// store for the must-fail case) passes. It only reads the stores.
func TestWindowsDoctor(t *testing.T) {
	r := runCLI(t, baseEnv(), "doctor")
	for _, want := range []string{"backend:     windows (", "trust store: Windows system trust (CryptoAPI)", "windows:CurrentUser/ROOT", "capi: available", "\nhealthy\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor output lacks %q", want)
		}
	}
	if r.code != 0 {
		t.Errorf("doctor: exit %d", r.code)
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}
