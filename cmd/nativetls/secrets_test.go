package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantedSecret is hidden in URIs and password sources; no output of the
// CLI may show it (issue 13 items 4-5, issue 14 item 6).
const plantedSecret = "TOPSECRET4242"

func assertNoPlanted(t *testing.T, what string, r result) {
	t.Helper()
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, plantedSecret) || strings.Contains(s, "TOPSECRET") {
			t.Errorf("%s shows the secret (exit %d):\n%s\n%s", what, r.code, r.stdout, r.stderr)
		}
	}
}

// TestNoSecretInOutput plants a secret in every flag that takes a URI or
// a password source, for serve, get, keys, verify, roots and doctor, with and without
// --json, against a real SoftHSM token where PKCS#11 is involved.
func TestNoSecretInOutput(t *testing.T) {
	d := pkiDir(t)
	env := baseEnv()
	module := "/nonexistent/p11.so"
	if cgoEnabled {
		if _, err := os.Stat("/usr/bin/softhsm2-util"); err == nil {
			env, module = newToken(t)
		}
	}
	tokenURI := "pkcs11:token=web;object=server;type=private?module-path=" + module + "&pin-value=" + plantedSecret
	uris := []string{
		tokenURI,
		"pkcs11:token=web;pin-value=" + plantedSecret + "?module-path=" + module,
		"pkcs11:token=web?module-path=" + module + "&pin-source=pass:" + plantedSecret,
		"capi:store=My;subject=x?pin-value=" + plantedSecret,
		"file:///nonexistent/key.pem?pin-value=" + plantedSecret,
		"file://user:" + plantedSecret + "@host/nonexistent.pem",
		"vault://admin:" + plantedSecret + "@vault.example/key",
	}
	sources := []string{
		"PASS:" + plantedSecret, "pas:" + plantedSecret, "hunter2:" + plantedSecret,
		plantedSecret, "pass:" + plantedSecret,
	}
	// A server to point get and verify at.
	addr, _ := startServe(t, baseEnv(), "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"))
	var runs [][]string
	for _, u := range uris {
		runs = append(runs,
			[]string{"serve", "--listen", "127.0.0.1:0", "--key", u},
			[]string{"serve", "--listen", "127.0.0.1:0", "--cert", u, "--key", filepath.Join(d, "leaf-key.pem")},
			[]string{"serve", "--listen", "127.0.0.1:0", "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"), "--client-ca", u},
			[]string{"get", "https://" + addr + "/", "--roots", u},
			[]string{"verify", "--leaf", u, "--roots", filepath.Join(d, "root.pem")},
			[]string{"verify", "--leaf", filepath.Join(d, "leaf-chain.pem"), "--roots", u},
			[]string{"verify", "--connect", addr, "--roots", u},
			[]string{"keys", "--uri", u},
			[]string{"roots", "--roots", u},
			[]string{"doctor", "--roots", u},
		)
	}
	for _, s := range sources {
		runs = append(runs,
			[]string{"serve", "--listen", "127.0.0.1:0", "--key", strings.TrimSuffix(tokenURI, "&pin-value="+plantedSecret), "--password", s},
			[]string{"serve", "--listen", "127.0.0.1:0", "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"), "--password", s},
			[]string{"keys", "--uri", "pkcs11:token=web?module-path=" + module, "--pin", s},
		)
	}
	for _, args := range runs {
		for _, json := range []bool{false, true} {
			a := args
			if json {
				a = append(append([]string(nil), args...), "--json")
			}
			r := runServeOnce(t, env, a)
			assertNoPlanted(t, strings.Join(a, " "), r)
		}
	}
}

// runServeOnce runs the CLI; a serve that unexpectedly starts is stopped
// (its output up to then is still checked).
func runServeOnce(t *testing.T, env []string, args []string) result {
	t.Helper()
	if args[0] != "serve" {
		return runCLI(t, env, args...)
	}
	return runCLIWithTimeout(t, env, args...)
}

// TestBarePasswordSource: `--pin /path/pin.txt` is refused with the forms
// file:/path/pin.txt and pass:PIN (issue 14 item 6).
func TestBarePasswordSource(t *testing.T) {
	pin := filepath.Join(tempDir(t), "pin.txt")
	if err := os.WriteFile(pin, []byte("1234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, baseEnv(), "keys", "--uri", "pkcs11:token=web?module-path=/nonexistent/p11.so", "--pin", pin)
	if r.code != 2 || !strings.Contains(r.stderr, "file:"+pin) || !strings.Contains(r.stderr, "pass:PIN") || strings.Contains(r.stderr, "pass:***") {
		t.Errorf("keys --pin %s: exit %d, stderr %q; want exit 2 suggesting file:%s and pass:PIN", pin, r.code, r.stderr, pin)
	}
}
