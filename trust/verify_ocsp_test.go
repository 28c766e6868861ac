package trust

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust/internal/profile"
)

// OCSP: stapled responses (signature, responder authority, freshness,
// status), must-staple, the soft/hard/off policies and online queries
// against a local responder. Responses are made with ocsp.CreateResponse.

type ocspSpec struct {
	status     int
	thisUpdate time.Time
	nextUpdate time.Time
	responder  *vtCert // nil: the issuer signs
	embed      *vtCert // with no responder: a certificate embedded anyway
	certIDOf   *vtCert // the issuer the CertID names; nil: the real one
}

func makeOCSP(t testing.TB, p *vtPKI, s ocspSpec) []byte {
	t.Helper()
	if s.thisUpdate.IsZero() {
		s.thisUpdate = vtNow.Add(-time.Hour)
	}
	if s.nextUpdate.IsZero() {
		s.nextUpdate = vtNow.Add(3 * 24 * time.Hour)
	}
	tmpl := ocsp.Response{Status: s.status, SerialNumber: p.Leaf.Cert.SerialNumber,
		ThisUpdate: s.thisUpdate, NextUpdate: s.nextUpdate}
	if s.status == ocsp.Revoked {
		tmpl.RevokedAt, tmpl.RevocationReason = vtNow.Add(-48*time.Hour), ocsp.KeyCompromise
	}
	signer, cert := crypto.Signer(p.Inter.Key), p.Inter.Cert
	if s.responder != nil {
		signer, cert = s.responder.Key, s.responder.Cert
		tmpl.Certificate = cert
	}
	if s.embed != nil {
		tmpl.Certificate = s.embed.Cert
	}
	certIDIssuer := p.Inter.Cert
	if s.certIDOf != nil {
		certIDIssuer = s.certIDOf.Cert
	}
	der, err := ocsp.CreateResponse(certIDIssuer, cert, tmpl, signer)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// responderCert issues an OCSP responder certificate from parent.
func responderCert(t testing.TB, parent *vtCert, eku bool) *vtCert {
	tmpl := vtTemplate("OCSP responder", false)
	tmpl.ExtKeyUsage = nil
	if eku {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	}
	return vtIssue(t, tmpl, parent, vtECKey(t))
}

func mustStapleLeaf(c *x509.Certificate) {
	v, _ := asn1.Marshal([]int{5})
	c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: profile.OIDExtTLSFeature, Value: v})
}

func TestOCSPStapled(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	ms := newVTPKI(t, vtChainOpts{leaf: mustStapleLeaf})
	other := newVTPKI(t, vtChainOpts{})
	good := makeOCSP(t, p, ocspSpec{status: ocsp.Good})
	cases := []struct {
		name   string
		pki    *vtPKI
		staple []byte
		policy Revocation
		reason Reason // -1: accepted
		detail string
	}{
		{"good", p, good, RevocationSoftFail, -1, ""},
		{"good hard-fail", p, good, RevocationHardFail, -1, ""},
		{"revoked", p, makeOCSP(t, p, ocspSpec{status: ocsp.Revoked}), RevocationSoftFail, ReasonRevoked, "the stapled OCSP response says it was revoked on 2026-11-21 00:00 UTC (reason keyCompromise)"},
		{"revoked, policy off", p, makeOCSP(t, p, ocspSpec{status: ocsp.Revoked}), RevocationOff, -1, ""},
		{"delegated responder", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, responder: responderCert(t, p.Inter, true)}), RevocationHardFail, -1, ""},
		{"responder without OCSPSigning, soft", p, makeOCSP(t, p, ocspSpec{status: ocsp.Revoked, responder: responderCert(t, p.Inter, false)}), RevocationSoftFail, -1, ""},
		{"responder without OCSPSigning, hard", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, responder: responderCert(t, p.Inter, false)}), RevocationHardFail, ReasonRevocationUnknown, "which the issuer did not authorise for OCSP"},
		{"issuer's own certificate embedded", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, embed: p.Inter}), RevocationHardFail, -1, ""},
		{"issuer's own certificate embedded, revoked", p, makeOCSP(t, p, ocspSpec{status: ocsp.Revoked, embed: p.Inter}), RevocationSoftFail, ReasonRevoked, "revoked"},
		{"impostor with the issuer's name", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, responder: other.Inter}), RevocationHardFail, ReasonRevocationUnknown, "did not authorise for OCSP"},
		{"issuer signs, impostor embedded", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, embed: other.Inter}), RevocationHardFail, ReasonRevocationUnknown, "bad signature on embedded certificate"},
		{"about another issuer's certificate with the same serial", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, certIDOf: other.Inter}), RevocationHardFail, ReasonRevocationUnknown, "another issuer with the same serial number"},
		{"revoked, about another issuer's certificate, soft", p, makeOCSP(t, p, ocspSpec{status: ocsp.Revoked, certIDOf: other.Inter}), RevocationSoftFail, -1, ""},
		{"responder of another CA", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, responder: responderCert(t, other.Inter, true)}), RevocationHardFail, ReasonRevocationUnknown, "stapled OCSP response"},
		{"stale, soft", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, thisUpdate: vtNow.Add(-10 * 24 * time.Hour), nextUpdate: vtNow.Add(-3 * 24 * time.Hour)}), RevocationSoftFail, -1, ""},
		{"stale, hard", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, thisUpdate: vtNow.Add(-10 * 24 * time.Hour), nextUpdate: vtNow.Add(-3 * 24 * time.Hour)}), RevocationHardFail, ReasonRevocationUnknown, "stale: nextUpdate 2026-11-20 00:00 UTC has passed"},
		{"within skew", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, thisUpdate: vtNow.Add(2 * time.Minute), nextUpdate: vtNow.Add(time.Hour)}), RevocationHardFail, -1, ""},
		{"from the future", p, makeOCSP(t, p, ocspSpec{status: ocsp.Good, thisUpdate: vtNow.Add(time.Hour), nextUpdate: vtNow.Add(48 * time.Hour)}), RevocationHardFail, ReasonRevocationUnknown, "is in the future"},
		{"garbage, hard", p, []byte("not ocsp"), RevocationHardFail, ReasonRevocationUnknown, "stapled OCSP response"},
		{"unknown status, hard", p, makeOCSP(t, p, ocspSpec{status: ocsp.Unknown}), RevocationHardFail, ReasonRevocationUnknown, "status is unknown"},
		{"no staple, hard", p, nil, RevocationHardFail, ReasonRevocationUnknown, "no stapled OCSP response"},
		{"must-staple without staple", ms, nil, RevocationSoftFail, ReasonRevocationUnknown, "must-staple (TLS feature status_request) and the server sent no OCSP response"},
		{"must-staple, policy off", ms, nil, RevocationOff, -1, ""},
		{"must-staple with good staple", ms, makeOCSP(t, ms, ocspSpec{status: ocsp.Good}), RevocationSoftFail, -1, ""},
		{"must-staple with stale staple", ms, makeOCSP(t, ms, ocspSpec{status: ocsp.Good, thisUpdate: vtNow.Add(-10 * 24 * time.Hour), nextUpdate: vtNow.Add(-3 * 24 * time.Hour)}), RevocationSoftFail, ReasonRevocationUnknown, "stale"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := vtOpts()
			o.OCSPResponse, o.Revocation = tc.staple, tc.policy
			_, err := (&Verifier{}).Verify(context.Background(), tc.pki.Store(), tc.pki.Chain(), o)
			wantVerdict(t, err, tc.reason, tc.detail)
		})
	}
}

func TestOCSPHardFailWithCRL(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	crl := revokingCRL(t, newVTPKI(t, vtChainOpts{})) // another CA's list: does not cover the leaf
	o := vtOpts()
	o.Revocation, o.CRLs = RevocationHardFail, []*x509.RevocationList{crl}
	if _, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o); err == nil {
		t.Fatal("hard-fail accepted a leaf no CRL covers")
	}
	good, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: bigOne(), ThisUpdate: vtNow.Add(-time.Hour), NextUpdate: vtNow.Add(time.Hour)}, p.Inter.Cert, p.Inter.Key)
	if err != nil {
		t.Fatal(err)
	}
	gl, _ := x509.ParseRevocationList(good)
	o.CRLs = []*x509.RevocationList{gl}
	if _, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o); err != nil {
		t.Fatalf("hard-fail with a current CRL: %v", err)
	}
}

// ocspServer answers every request with resp after delay.
func ocspServer(t *testing.T, resp []byte, delay time.Duration) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := ocsp.ParseRequest(body); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOCSPOnline(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		delay  time.Duration
		policy Revocation
		ok     bool
	}{
		{"good", ocsp.Good, 0, RevocationHardFail, true},
		{"revoked", ocsp.Revoked, 0, RevocationSoftFail, false},
		{"slow, soft", ocsp.Good, 5 * time.Second, RevocationSoftFail, true},
		{"slow, hard", ocsp.Good, 5 * time.Second, RevocationHardFail, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var url string
			p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) { c.OCSPServer = []string{"http://placeholder"} }})
			srv := ocspServer(t, makeOCSP(t, p, ocspSpec{status: tc.status}), tc.delay)
			url = srv.URL
			leaf := *p.Leaf.Cert
			leaf.OCSPServer = []string{url} // the responder address is only known now
			o := vtOpts()
			o.OnlineOCSP, o.Revocation = true, tc.policy
			v := &Verifier{OCSP: &OCSPClient{Budget: 300 * time.Millisecond, AllowPrivateNetworks: true}}
			_, err := v.Verify(context.Background(), p.Store(), []*x509.Certificate{&leaf, p.Inter.Cert}, o)
			if (err == nil) != tc.ok {
				t.Fatalf("ok=%v, got %v", tc.ok, err)
			}
		})
	}
}

func TestMustStapleParsing(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{leaf: mustStapleLeaf})
	if !mustStaple(p.Leaf.Cert) || mustStaple(p.Inter.Cert) {
		t.Fatal("must-staple not recognised")
	}
}

func bigOne() *big.Int { return big.NewInt(1) }

// Stapled OCSP responses made by `openssl ocsp`, the responder most
// deployments test with: signed by the issuer with its certificate embedded
// (the default), without certificates, by a delegated responder, and by
// signers that must be refused. openssl stamps thisUpdate with the real
// clock, so the certificates are issued around that instant and the
// verification runs at the response's thisUpdate: the test does not depend
// on the date it runs.

type opensslOCSP struct {
	dir                 string
	root, inter, leaf   *testpki.Cert
	other, noEKU, deleg *testpki.Cert
}

func newOpenSSLOCSP(t *testing.T) *opensslOCSP {
	o := testpki.Options{NotBefore: time.Now().Add(-time.Hour)}
	root := testpki.Root("OCSP Test Root", o)
	inter := root.Intermediate("OCSP Test CA", o)
	lo := o
	lo.DNSNames = []string{"ocsp.example.test"}
	x := &opensslOCSP{dir: tempDir(t), root: root, inter: inter, leaf: inter.Leaf(lo)}
	x.other = testpki.Root("Other Root", o).Intermediate("OCSP Test CA", o) // the issuer's name, another key
	ro := o
	ro.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	x.deleg = inter.Leaf(ro)
	ro.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	x.noEKU = inter.Leaf(ro)
	for name, c := range map[string]*testpki.Cert{"inter": inter, "leaf": x.leaf, "other": x.other, "deleg": x.deleg, "noeku": x.noEKU} {
		x.write(t, name+".pem", c.PEM())
		x.write(t, name+".key", c.KeyPEM())
	}
	serial := fmt.Sprintf("%X", x.leaf.Cert.SerialNumber)
	if len(serial)%2 == 1 {
		serial = "0" + serial
	}
	x.write(t, "index.txt", []byte("V\t"+x.leaf.Cert.NotAfter.UTC().Format("060102150405Z")+"\t\t"+serial+"\tunknown\t/CN=ocsp.example.test\n"))
	runOpenSSL(t, x.dir, "ocsp", "-issuer", "inter.pem", "-cert", "leaf.pem", "-no_nonce", "-reqout", "req.der")
	return x
}

func (x *opensslOCSP) write(t *testing.T, name string, data []byte) {
	if err := os.WriteFile(filepath.Join(x.dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// respond signs a response with signer ("inter", "deleg", …) and extra
// openssl ocsp flags.
func (x *opensslOCSP) respond(t *testing.T, signer string, flags ...string) []byte {
	out := signer + strings.Join(flags, "") + ".der"
	runOpenSSL(t, x.dir, append([]string{"ocsp", "-index", "index.txt", "-CA", "inter.pem", "-rsigner", signer + ".pem",
		"-rkey", signer + ".key", "-reqin", "req.der", "-respout", out, "-ndays", "3"}, flags...)...)
	der, err := os.ReadFile(filepath.Join(x.dir, out))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestOCSPStapleFromOpenSSL(t *testing.T) {
	x := newOpenSSLOCSP(t)
	cases := []struct {
		name, signer string
		flags        []string
		embedded     bool
		want         string // "" accepted
	}{
		{"issuer, own certificate embedded (default)", "inter", nil, true, ""},
		{"issuer, no certificates", "inter", []string{"-resp_no_certs"}, false, ""},
		{"delegated responder", "deleg", nil, true, ""},
		{"responder without id-kp-OCSPSigning", "noeku", nil, true, "did not authorise for OCSP"},
		{"another CA's key under the issuer's name", "other", nil, true, "did not authorise for OCSP"},
		{"another CA's key, no certificates", "other", []string{"-resp_no_certs"}, false, "bad OCSP signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			der := x.respond(t, tc.signer, tc.flags...)
			parsed, err := ocsp.ParseResponse(der, nil)
			if err != nil {
				t.Fatalf("openssl made an unparseable response: %v", err)
			}
			if (parsed.Certificate != nil) != tc.embedded {
				t.Fatalf("embedded certificate: %v, want %v: the fixture is not what the case says", parsed.Certificate != nil, tc.embedded)
			}
			opts := VerifyOptions{ServerName: "ocsp.example.test", Time: parsed.ThisUpdate.Add(time.Minute), DisableFetch: true,
				OCSPResponse: der, Revocation: RevocationHardFail}
			_, err = (&Verifier{}).Verify(context.Background(), FromCertificates("openssl root", x.root.Cert),
				testpki.Chain(x.leaf, x.inter), opts)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			var ve *VerificationError
			if !errors.As(err, &ve) || ve.Reason != ReasonRevocationUnknown || !strings.Contains(ve.Error(), tc.want) {
				t.Fatalf("want revocation unknown with %q, got %v", tc.want, err)
			}
		})
	}
}
