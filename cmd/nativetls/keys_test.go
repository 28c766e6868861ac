package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
)

// TestKeysSaysWhatItSearched: keys names the module it asked, says what it
// found (or that it found nothing), and counts the private keys a missing
// PIN hides, with the command that shows them.
func TestKeysSaysWhatItSearched(t *testing.T) {
	env, module := newToken(t)
	r := runCLI(t, env, "keys", "--module", module)
	for _, want := range []string{`token "web"`, "searched:\n  - pkcs11 module " + module, "found 1 token and 0 identities",
		"1 private key hidden until a login", "1 private key not listed", "keys --uri 'pkcs11:", "--pin"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("keys --module: exit %d, output lacks %q:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	var rep struct {
		Searched []struct{ Name, Kind, Error string }
		Hidden   int `json:"hidden_private_keys"`
		Tokens   []struct {
			Objects int
			Hidden  int `json:"hidden_private_keys"`
		}
	}
	r = runCLI(t, env, "keys", "--module", module, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 {
		t.Fatalf("keys --json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	// The token holds the leaf's key (private), the leaf and the
	// intermediate (SoftHSM adds the public key): without a PIN, three objects and one hidden key.
	if len(rep.Searched) != 1 || rep.Searched[0].Kind != "pkcs11-module" || rep.Hidden != 1 ||
		len(rep.Tokens) != 1 || rep.Tokens[0].Objects != 3 || rep.Tokens[0].Hidden != 1 {
		t.Errorf("keys --json = %+v, want one module searched, one token with 3 visible objects and 1 hidden key", rep)
	}

	uri := "pkcs11:token=web?module-path=" + module
	r = runCLI(t, env, "keys", "--uri", uri)
	if r.code != 0 || !strings.Contains(r.stdout, "found 3 objects") || !strings.Contains(r.stdout, "1 private key not listed") ||
		!strings.Contains(r.stdout, "--uri '"+uri+"' --pin") {
		t.Errorf("keys --uri without a PIN: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, append(env, "TOKEN_PIN=1234"), "keys", "--uri", uri, "--pin", "env:TOKEN_PIN")
	if r.code != 0 || !strings.Contains(r.stdout, "found 4 objects") || strings.Contains(r.stdout, "not listed") {
		t.Errorf("keys --uri --pin: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "keys", "--uri", "pkcs11:token=nosuch?module-path="+module)
	if r.code != 2 || !strings.Contains(r.stderr, "nosuch") {
		t.Errorf("keys --uri for a missing token: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestKeysNothingFound: with a module that has no initialized token, keys
// says it searched it and found nothing (exit 0), in both forms.
func TestKeysNothingFound(t *testing.T) {
	env, module := emptyToken(t)
	r := runCLI(t, env, "keys", "--module", module)
	if r.code != 0 || !strings.Contains(r.stdout, "pkcs11 module "+module) || !strings.Contains(r.stdout, "found no tokens and no identities") {
		t.Errorf("keys with nothing to list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "keys", "--module", module, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"found": 0`) || !strings.Contains(r.stdout, `"kind": "pkcs11-module"`) {
		t.Errorf("keys --json with nothing to list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "keys", "--pin", "env:X")
	if r.code != 2 || !strings.Contains(r.stderr, "--pin needs --uri") {
		t.Errorf("keys --pin without --uri: exit %d\n%s", r.code, r.stderr)
	}
}

// emptyToken returns the environment of a SoftHSM with no initialized
// token (only its free slot) and the module path.
func emptyToken(t *testing.T) (env []string, module string) {
	if !cgoEnabled {
		t.Skip("PKCS#11 needs cgo; this test binary was built with CGO_ENABLED=0")
	}
	h := softhsmtest.New(t, tempDir(t), baseEnv())
	return h.Env, h.Module
}
