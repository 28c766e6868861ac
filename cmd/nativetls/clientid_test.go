package main

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testpki"
)

// clientIDs is testpki's client-identity fixture written to a directory,
// with each CA in its own file.
type clientIDs struct {
	*testpki.ClientIDs
	dir    string // a.pem, b.crt + b.key, c.pem
	caFile map[string]string
}

func newClientIDs(t *testing.T) *clientIDs {
	t.Helper()
	p := &clientIDs{ClientIDs: testpki.NewClientIDs(), dir: tempDir(t), caFile: map[string]string{}}
	noErr(t, p.WriteDir(p.dir))
	base := tempDir(t)
	for name, c := range map[string]*testpki.Cert{"A": p.CAA, "B": p.CAB, "C": p.CAC} {
		p.caFile[name] = writeFile(t, base, "ca"+name+".pem", c.PEM())
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
	h := softhsmtest.New(t, tempDir(t), baseEnv())
	h.InitToken(t, "ids")
	h.ImportKey(t, "ids", "0a", "0a", p.IDA.KeyPEM())
	h.ImportKey(t, "ids", "0b", "0b", p.IDB.KeyPEM())
	h.ImportKeyAllowing(t, "ids", "0c", "0c", p.IDC.KeyPEM(), "RSA-PKCS,SHA256-RSA-PKCS")
	for _, c := range []struct {
		label, id string
		cert      *testpki.Cert
	}{{"a", "0a", p.IDA}, {"b", "0b", p.IDB}, {"c", "0c", p.IDC}, {"b-issuing", "1b", p.InterB}, {"ca-b", "2b", p.CAB}} {
		h.WriteCert(t, "ids", c.label, c.id, c.cert.Cert.Raw)
	}
	return h.Env, "pkcs11:token=ids?module-path=" + h.Module
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

// identitiesReport is `identities --json` as a script reads it.
type identitiesReport struct {
	CertificateRequested bool     `json:"certificate_requested"`
	AcceptableCAs        []string `json:"acceptable_cas"`
	SignatureSchemes     []string `json:"signature_schemes"`
	Candidates           []struct {
		Source, Subject, Issuer, Reason string
		NotAfter                        string `json:"not_after"`
		Fits                            bool
	} `json:"candidates"`
	Chosen *struct{ Subject, Source string } `json:"chosen"`
}

func identitiesJSONRun(t *testing.T, env []string, args ...string) (identitiesReport, result) {
	t.Helper()
	r := runCLI(t, env, append([]string{"identities", "--json"}, args...)...)
	var rep identitiesReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("identities --json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	return rep, r
}

// candidateReason returns the verdict on the identity whose subject
// contains name.
func (rep identitiesReport) candidate(t *testing.T, name string) (bool, string) {
	t.Helper()
	for _, c := range rep.Candidates {
		if strings.Contains(c.Subject, name) {
			return c.Fits, c.Reason
		}
	}
	t.Fatalf("no candidate %q in %+v", name, rep.Candidates)
	return false, ""
}

// TestIdentitiesFromToken: the server's request (CA B) and schemes are
// shown, B's identity is chosen, A's is skipped as expired and C's as
// leading elsewhere; against a server wanting CA C at TLS 1.3 nothing fits
// (C's token key cannot do RSA-PSS): exit 1.
func TestIdentitiesFromToken(t *testing.T) {
	p := newClientIDs(t)
	env, uri := p.token(t)
	uri += "&pin-value=1234"
	addr := strings.TrimSuffix(strings.TrimPrefix(serveWantingClients(t, env, p.caFile["B"]), "https://"), "/")
	common := []string{"--for", addr, "--roots", filepath.Join(pkiDir(t), "root.pem"), "--host", "www.example.test", "--client-cert", uri}
	rep, r := identitiesJSONRun(t, env, common...)
	if r.code != 0 || rep.Chosen == nil || !strings.Contains(rep.Chosen.Subject, "b.client.test") {
		t.Fatalf("server wanting CA B: exit %d, chosen %+v\n%s%s", r.code, rep.Chosen, r.stdout, r.stderr)
	}
	if !rep.CertificateRequested || len(rep.AcceptableCAs) != 1 || rep.AcceptableCAs[0] != "CN=Client CA B,O=nativetls test" || len(rep.SignatureSchemes) == 0 {
		t.Errorf("request shown as %+v", rep)
	}
	if fits, why := rep.candidate(t, "a.client.test"); fits || !strings.Contains(why, "expired") {
		t.Errorf("expired identity: fits=%v, %q", fits, why)
	}
	if fits, why := rep.candidate(t, "c.client.test"); fits || !strings.Contains(why, "none of the CAs") {
		t.Errorf("CA C identity: fits=%v, %q", fits, why)
	}
	if strings.Contains(r.stdout+r.stderr, "1234") {
		t.Errorf("the PIN is printed:\n%s", r.stdout)
	}
	r = runCLI(t, env, append([]string{"identities"}, common...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "would send: CN=b.client.test from pkcs11:") || !strings.Contains(r.stdout, "acceptable CAs (1):") {
		t.Errorf("human output: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	addr = strings.TrimSuffix(strings.TrimPrefix(serveWantingClients(t, env, p.caFile["C"]), "https://"), "/")
	common[1] = addr
	rep, r = identitiesJSONRun(t, env, common...)
	if r.code != 1 || rep.Chosen != nil {
		t.Fatalf("server wanting CA C: exit %d, chosen %+v, want 1 and none\n%s", r.code, rep.Chosen, r.stdout)
	}
	if fits, why := rep.candidate(t, "c.client.test"); fits || !strings.Contains(why, "TLS 1.3") {
		t.Errorf("RSA token key without PSS at TLS 1.3: fits=%v, %q", fits, why)
	}
}

// TestIdentitiesServerAsksNone: a server without client authentication:
// said so, exit 0.
func TestIdentitiesServerAsksNone(t *testing.T) {
	p := newClientIDs(t)
	d := pkiDir(t)
	addr, _ := startServe(t, baseEnv(), "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"))
	r := runCLI(t, baseEnv(), "identities", "--for", addr, "--roots", filepath.Join(d, "root.pem"), "--host", "www.example.test", "--client-cert", p.dir)
	if r.code != 0 || !strings.Contains(r.stdout, "does not ask for a client certificate") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rep, r := identitiesJSONRun(t, baseEnv(), "--for", addr, "--roots", filepath.Join(d, "root.pem"), "--host", "www.example.test", "--client-cert", p.dir)
	if r.code != 0 || rep.CertificateRequested || rep.Chosen != nil || len(rep.Candidates) != 3 {
		t.Errorf("--json: exit %d, %+v", r.code, rep)
	}
	// An untrusted server is a failed check, before any request is seen.
	r = runCLI(t, baseEnv(), "identities", "--for", addr, "--roots", filepath.Join(d, "other-root.pem"), "--host", "www.example.test", "--client-cert", p.dir)
	if r.code != 1 {
		t.Errorf("untrusted server: exit %d\n%s", r.code, r.stderr)
	}
}

// TestIdentitiesUsage: missing --for, a bad address, an unreadable source
// and (where the platform has no certificate store) no --client-cert are
// usage or input errors.
func TestIdentitiesUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--client-cert", "x.pem"}, "--for"},
		{[]string{"--for", "no-port", "--client-cert", "x.pem"}, "no-port"},
		{[]string{"--for", "127.0.0.1:1", "--client-cert", filepath.Join(tempDir(t), "missing.pem")}, "missing.pem"},
	} {
		r := runCLI(t, baseEnv(), append([]string{"identities"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("identities %v: exit %d, want 2 naming %q\n%s", c.args, r.code, c.want, r.stderr)
		}
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		r := runCLI(t, baseEnv(), "identities", "--for", "127.0.0.1:1")
		if r.code != 2 || !strings.Contains(r.stderr, "--client-cert") {
			t.Errorf("no --client-cert on %s: exit %d\n%s", runtime.GOOS, r.code, r.stderr)
		}
	}
}
