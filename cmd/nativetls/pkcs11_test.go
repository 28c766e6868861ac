package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/native"
)

// newToken creates a SoftHSM token "web" (user PIN 1234) in a temporary
// directory holding the test leaf's key and the leaf and intermediate
// certificates, and returns the environment that selects it.
func newToken(t *testing.T) (env []string, module string) {
	h := softhsmtest.New(t, tempDir(t), baseEnv())
	d := pkiDir(t)
	keyPEM, err := os.ReadFile(filepath.Join(d, "leaf-key.pem"))
	noErr(t, err)
	chain, err := native.LoadCertificates(filepath.Join(d, "leaf-chain.pem"))
	noErr(t, err)
	h.InitToken(t, "web")
	h.ImportKey(t, "web", "server", "01", keyPEM)
	h.WriteCert(t, "web", "server", "01", chain[0].Raw)
	h.WriteCert(t, "web", "intermediate", "02", chain[1].Raw)
	return h.Env, h.Module
}

// TestServePKCS11 serves with an HSM key and its chain named by one
// pkcs11: URI, the PIN coming from the environment.
func TestServePKCS11(t *testing.T) {
	env, module := newToken(t)
	env = append(env, "TOKEN_PIN=1234")
	uri := "pkcs11:token=web;object=server;type=private?module-path=" + module
	addr, stop := startServe(t, env, "--key", uri, "--password", "env:TOKEN_PIN")
	r := runCLI(t, env, "get", "https://"+addr+"/", "--roots", filepath.Join(pkiDir(t), "root.pem"), "--host", "www.example.test")
	if r.code != 0 || !strings.Contains(r.stdout, "hello from nativetls serve") {
		t.Errorf("get from the HSM-backed server: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d", code)
	}

	r = runCLI(t, env, "keys", "--module", module)
	if r.code != 0 || !strings.Contains(r.stdout, `token "web"`) {
		t.Errorf("keys: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "keys", "--uri", "pkcs11:token=web?module-path="+module, "--pin", "env:TOKEN_PIN", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"label": "server"`) || !strings.Contains(r.stdout, `"type": "private"`) {
		t.Errorf("keys --uri: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Token certificates as a trust store: the intermediate as the anchor.
	anchors := "pkcs11:token=web;object=intermediate;type=cert?module-path=" + module
	r = runCLI(t, env, "verify", "--leaf", filepath.Join(pkiDir(t), "leaf.pem"), "--roots", anchors, "--host", "www.example.test")
	if r.code != 0 {
		t.Errorf("verify with a pkcs11: trust store: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "roots", "--roots", "pkcs11:token=web;type=cert?module-path="+module, "--json")
	if r.code != 0 || strings.Count(r.stdout, `"subject"`) != 2 {
		t.Errorf("roots of a token: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, env, "serve", "--key", uri, "--password", "pass:0000")
	if r.code != 2 || !strings.Contains(r.stderr, "PIN") {
		t.Errorf("wrong PIN: exit %d, %s", r.code, r.stderr)
	}
}

// TestServeTokenChainWhicheverFlags: with the certificate and the key both
// named by token URIs (or the key alone), serve sends the leaf and the
// token's intermediate, prints that chain, and a client trusting only the
// root verifies it.
func TestServeTokenChainWhicheverFlags(t *testing.T) {
	env, module := newToken(t)
	q := "?module-path=" + module
	key := "pkcs11:token=web;object=server;type=private" + q
	root := filepath.Join(pkiDir(t), "root.pem")
	for _, args := range [][]string{
		{"--cert", "pkcs11:token=web;object=server;type=cert" + q, "--key", key},
		{"--cert", "pkcs11:token=web;type=cert" + q, "--key", key},
		{"--key", key},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			addr, printed := serveAndRead(t, env, append(args, "--password", "pass:1234")...)
			for _, want := range []string{"sending a chain of 2 certificates:", "  0 CN=www.example.test", "  1 CN=Test Intermediate CA", "serial ", "not after 20"} {
				if !strings.Contains(printed, want) {
					t.Errorf("serve printed no %q:\n%s", want, printed)
				}
			}
			if strings.Contains(printed, "Root") {
				t.Errorf("serve sends the root:\n%s", printed)
			}
			r := runCLI(t, env, "get", "https://"+addr+"/", "--roots", root, "--host", "www.example.test")
			if r.code != 0 {
				t.Errorf("get from the token-backed server: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestServePKCS11NoCgoOpenSSL builds nativetls with CGO_ENABLED=0, serves
// TLS with the SoftHSM key named by a pkcs11: URI, and has openssl
// s_client verify the server (chain to the test root, host name).
func TestServePKCS11NoCgoOpenSSL(t *testing.T) {
	if os.Getenv("NATIVETLS_TEST_BINARY") != "" {
		t.Skip("needs the Go toolchain to build a CGO_ENABLED=0 binary")
	}
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed: apt-get install openssl")
	}
	env, module := newToken(t)
	nocgo := filepath.Join(tempDir(t), "nativetls-nocgo")
	build := exec.Command("go", "build", "-o", nocgo, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	saved := binary
	binary = nocgo
	defer func() { binary = saved }()
	if r := runCLI(t, env, "version"); !strings.Contains(r.stdout, "cgo off") {
		t.Fatalf("the CGO_ENABLED=0 build reports %q", r.stdout)
	}

	env = append(env, "TOKEN_PIN=1234")
	uri := "pkcs11:token=web;object=server;type=private?module-path=" + module
	addr, stop := startServe(t, env, "--key", uri, "--password", "env:TOKEN_PIN")
	defer stop()
	cmd := exec.Command(openssl, "s_client", "-connect", addr, "-servername", "www.example.test",
		"-CAfile", filepath.Join(pkiDir(t), "root.pem"), "-verify_hostname", "www.example.test", "-verify_return_error", "-brief")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Fatalf("openssl s_client against the CGO_ENABLED=0 server: %v\n%s", err, out)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d", code)
	}
}

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
