package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testpki"
)

// clientIDs is three client CAs and one identity under each, written to
// files: under A an expired ECDSA identity, under B (through an
// intermediate) an ECDSA one, under C an RSA one. Windows are set from
// testpki.Clock so they hold both at the fixed clock and at the real time
// of the handshake (until 2036).
type clientIDs struct {
	caA, caB, interB, caC *testpki.Cert
	idA, idB, idC         *testpki.Cert
	dir                   string // a.pem, b.crt + b.key, c.pem
	caFile                map[string]string
}

func newClientIDs(t *testing.T) *clientIDs {
	t.Helper()
	valid := testpki.Options{NotBefore: testpki.Clock.Add(-24 * time.Hour), NotAfter: testpki.Clock.Add(10 * 365 * 24 * time.Hour)}
	p := &clientIDs{caA: testpki.Root("Client CA A", valid), caB: testpki.Root("Client CA B", valid)}
	rsaValid := valid
	rsaValid.KeyType = testpki.RSA2048
	p.caC = testpki.Root("Client CA C", rsaValid)
	p.interB = p.caB.Intermediate("Client CA B Issuing", valid)
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	p.idA = p.caA.Leaf(testpki.Options{DNSNames: []string{"a.client.test"}, EKUs: client,
		NotBefore: testpki.Clock.Add(-2 * 365 * 24 * time.Hour), NotAfter: testpki.Clock.Add(-365 * 24 * time.Hour)})
	leaf := valid
	leaf.EKUs, leaf.DNSNames = client, []string{"b.client.test"}
	p.idB = p.interB.Leaf(leaf)
	leaf = rsaValid
	leaf.EKUs, leaf.DNSNames = client, []string{"c.client.test"}
	p.idC = p.caC.Leaf(leaf)
	base := tempDir(t)
	p.dir = filepath.Join(base, "ids")
	noErr(t, os.Mkdir(p.dir, 0o700))
	write := func(path string, data []byte) string {
		noErr(t, os.WriteFile(path, data, 0o600))
		return path
	}
	write(filepath.Join(p.dir, "a.pem"), append(p.idA.PEM(), p.idA.KeyPEM()...))
	write(filepath.Join(p.dir, "b.crt"), testpki.ChainPEM(p.idB, p.interB))
	write(filepath.Join(p.dir, "b.key"), p.idB.KeyPEM())
	write(filepath.Join(p.dir, "c.pem"), append(p.idC.PEM(), p.idC.KeyPEM()...))
	p.caFile = map[string]string{}
	for name, c := range map[string]*testpki.Cert{"A": p.caA, "B": p.caB, "C": p.caC} {
		p.caFile[name] = write(filepath.Join(base, "ca"+name+".pem"), c.PEM())
	}
	return p
}

// token puts the three identities on a new SoftHSM token "ids" (user PIN
// 1234): A's expired one (id 0a), B's (id 0b, with B's intermediate and
// root as certificate objects) and C's, whose RSA key allows only PKCS#1
// v1.5 (CKA_ALLOWED_MECHANISMS), so it cannot sign for TLS 1.3. It returns
// the environment selecting the token and its URI (without the PIN).
func (p *clientIDs) token(t *testing.T) (env []string, uri string) {
	t.Helper()
	module := softhsmtest.Module(t)
	for _, tool := range []string{"softhsm2-util", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: apt-get install softhsm2 opensc", tool)
		}
	}
	dir := tempDir(t)
	conf := filepath.Join(dir, "softhsm2.conf")
	noErr(t, os.WriteFile(conf, []byte("directories.tokendir = "+dir+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600))
	env = baseEnv("SOFTHSM2_CONF=" + conf)
	run := tokenRunner(t, env)
	file := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		noErr(t, os.WriteFile(path, data, 0o600))
		return path
	}
	tool := func(args ...string) {
		run("pkcs11-tool", append([]string{"--module", module, "--token-label", "ids", "--login", "--pin", "1234"}, args...)...)
	}
	run("softhsm2-util", "--init-token", "--free", "--label", "ids", "--pin", "1234", "--so-pin", "5678")
	run("softhsm2-util", "--import", file("0a.key", p.idA.KeyPEM()), "--token", "ids", "--label", "0a", "--id", "0a", "--pin", "1234")
	run("softhsm2-util", "--import", file("0b.key", p.idB.KeyPEM()), "--token", "ids", "--label", "0b", "--id", "0b", "--pin", "1234")
	keyDER, _ := pem.Decode(p.idC.KeyPEM())
	tool("--write-object", file("0c.key.der", keyDER.Bytes), "--type", "privkey", "--id", "0c", "--label", "0c",
		"--allowed-mechanisms", "RSA-PKCS,SHA256-RSA-PKCS")
	for _, c := range []struct {
		label, id string
		cert      *testpki.Cert
	}{{"a", "0a", p.idA}, {"b", "0b", p.idB}, {"c", "0c", p.idC}, {"b-issuing", "1b", p.interB}, {"ca-b", "2b", p.caB}} {
		tool("--write-object", file(c.label+".der", c.cert.Cert.Raw), "--type", "cert", "--id", c.id, "--label", c.label)
	}
	return env, "pkcs11:token=ids?module-path=" + module
}

// tokenRunner runs a token tool under env, failing the test on error.
func tokenRunner(t *testing.T, env []string) func(name string, args ...string) {
	return func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
}

// serveWantingClients starts serve with the test server identity,
// requiring client certificates from caFile.
func serveWantingClients(t *testing.T, env []string, caFile string) string {
	t.Helper()
	d := pkiDir(t)
	addr, _ := startServe(t, env, "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"), "--client-ca", caFile)
	return "https://" + addr + "/"
}

// TestGetClientCertFromToken: get picks, from a token with three
// identities of three CAs, the one whose CA the server names (B), and
// when none fits (C at TLS 1.3: RSA without PSS; A expired) says which
// CAs the server accepts and why each identity was skipped.
func TestGetClientCertFromToken(t *testing.T) {
	p := newClientIDs(t)
	env, uri := p.token(t)
	roots := filepath.Join(pkiDir(t), "root.pem")
	url := serveWantingClients(t, env, p.caFile["B"])
	r := runCLI(t, env, "get", url, "--roots", roots, "--host", "www.example.test", "--client-cert", uri+"&pin-value=1234")
	if r.code != 0 || !strings.Contains(r.stdout, "client: CN=b.client.test") {
		t.Fatalf("get with the token against a server wanting CA B: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, append(env, "TOKEN_PIN=1234"), "get", url, "--roots", roots, "--host", "www.example.test", "--client-cert", uri, "--password", "env:TOKEN_PIN")
	if r.code != 0 || !strings.Contains(r.stdout, "client: CN=b.client.test") {
		t.Fatalf("get with the PIN from --password: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	url = serveWantingClients(t, env, p.caFile["C"])
	r = runCLI(t, env, "get", url, "--roots", roots, "--host", "www.example.test", "--client-cert", uri+"&pin-value=1234")
	for _, want := range []string{`"CN=Client CA C,O=nativetls test"`, "a.client.test", "expired", "b.client.test", "c.client.test", "TLS 1.3"} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Fatalf("get against a server wanting CA C: exit %d, want 1 and %q in\n%s", r.code, want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "1234") {
		t.Fatalf("the PIN is printed:\n%s%s", r.stdout, r.stderr)
	}
}

// TestGetClientCertFromDirectory: a directory of identity files; the
// server wanting CA C gets the RSA identity (files have PSS), one wanting
// CA A gets none (A's identity is expired).
func TestGetClientCertFromDirectory(t *testing.T) {
	p := newClientIDs(t)
	env := baseEnv()
	roots := filepath.Join(pkiDir(t), "root.pem")
	for ca, want := range map[string]string{"B": "b.client.test", "C": "c.client.test"} {
		url := serveWantingClients(t, env, p.caFile[ca])
		r := runCLI(t, env, "get", url, "--roots", roots, "--host", "www.example.test", "--client-cert", p.dir)
		if r.code != 0 || !strings.Contains(r.stdout, "client: CN="+want) {
			t.Errorf("server wanting CA %s: exit %d, want %s\n%s%s", ca, r.code, want, r.stdout, r.stderr)
		}
	}
	url := serveWantingClients(t, env, p.caFile["A"])
	r := runCLI(t, env, "get", url, "--roots", roots, "--host", "www.example.test", "--client-cert", p.dir)
	if r.code != 1 || !strings.Contains(r.stderr, "Client CA A") || !strings.Contains(r.stderr, "expired") || !strings.Contains(r.stderr, "a.pem") {
		t.Errorf("server wanting CA A: exit %d, want 1 naming CA A and the expired a.pem\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "get", url, "--roots", roots, "--client-cert", filepath.Join(p.dir, "missing.pem"))
	if r.code != 2 || !strings.Contains(r.stderr, "missing.pem") {
		t.Errorf("missing source: exit %d, want 2 naming the file\n%s", r.code, r.stderr)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
