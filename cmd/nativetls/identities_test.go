package main

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

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
