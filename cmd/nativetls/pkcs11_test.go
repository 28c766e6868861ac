package main

import (
	"encoding/pem"
	"github.com/nativetls/nativetls/internal/testfs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
)

// newToken creates a SoftHSM token "web" (user PIN 1234) in a temporary
// directory holding the test leaf's key and the leaf and intermediate
// certificates, and returns the environment that selects it.
func newToken(t *testing.T) (env []string, module string) {
	h := softhsmtest.New(t, tempDir(t), baseEnv())
	d := pkiDir(t)
	keyPEM, err := os.ReadFile(filepath.Join(d, "leaf-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	h.InitToken(t, "web")
	h.ImportKey(t, "web", "server", "01", keyPEM)
	for _, c := range []struct{ file, id, label string }{{"leaf.pem", "01", "server"}, {"intermediate.pem", "02", "intermediate"}} {
		data, err := os.ReadFile(filepath.Join(d, c.file))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pem.Decode(data)
		h.WriteCert(t, "web", c.label, c.id, b.Bytes)
	}
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
	nocgo := filepath.Join(testfs.TempDir(t), "nativetls-nocgo")
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
