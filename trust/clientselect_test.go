package trust

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// selectNow is the fixed clock of the selection tests.
var selectNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func clientLeaf(parent *testpki.Cert, kt testpki.KeyType, nb, na time.Time, ekus ...x509.ExtKeyUsage) *testpki.Cert {
	if ekus == nil {
		ekus = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	return parent.Leaf(testpki.Options{KeyType: kt, NotBefore: nb, NotAfter: na, EKUs: ekus, DNSNames: []string{"client.example.test"}})
}

func window(days int) (time.Time, time.Time) {
	nb := selectNow.Add(-time.Duration(days) * 24 * time.Hour)
	return nb, nb.Add(365 * 24 * time.Hour)
}

var (
	tls13ECDSA = ClientCertificateRequest{Version: tls.VersionTLS13, SignatureSchemes: []tls.SignatureScheme{
		tls.ECDSAWithP256AndSHA256, tls.PSSWithSHA256, tls.Ed25519}}
	tls12RSA = ClientCertificateRequest{Version: tls.VersionTLS12, SignatureSchemes: []tls.SignatureScheme{
		tls.PKCS1WithSHA256, tls.PSSWithSHA256, tls.ECDSAWithP256AndSHA256}}
	pkcs1Only = []tls.SignatureScheme{tls.PKCS1WithSHA256, tls.PKCS1WithSHA384}
)

func identity(src string, c *testpki.Cert, cas ...*testpki.Cert) ClientIdentity {
	chain := []*x509.Certificate{c.Cert}
	for _, ca := range cas {
		chain = append(chain, ca.Cert)
	}
	return ClientIdentity{Chain: chain, Source: src}
}

func TestSelectClientIdentity(t *testing.T) {
	nb, na := window(30)
	caA := testpki.Root("CA A", testpki.Options{NotBefore: nb.Add(-time.Hour), NotAfter: na.Add(time.Hour)})
	caB := testpki.Root("CA B", testpki.Options{NotBefore: nb.Add(-time.Hour), NotAfter: na.Add(time.Hour)})
	interB := caB.Intermediate("CA B Issuing", testpki.Options{NotBefore: nb.Add(-time.Hour), NotAfter: na.Add(time.Hour)})
	caC := testpki.Root("CA C", testpki.Options{KeyType: testpki.RSA2048, NotBefore: nb.Add(-time.Hour), NotAfter: na.Add(time.Hour)})
	expired := clientLeaf(caA, testpki.ECDSAP256, selectNow.Add(-400*24*time.Hour), selectNow.Add(-35*24*time.Hour))
	ecB := clientLeaf(interB, testpki.ECDSAP256, nb, na)
	rsaC := clientLeaf(caC, testpki.RSA2048, nb, na)
	serverOnly := clientLeaf(caB, testpki.ECDSAP256, nb, na, x509.ExtKeyUsageServerAuth)

	idExpired := identity("token:expired", expired, caA)
	idB := identity("token:ecdsa", ecB, interB, caB)
	idC := identity("token:rsa-no-pss", rsaC, caC)
	idC.SignatureSchemes = pkcs1Only
	idServer := identity("token:server-only", serverOnly, caB)
	all := []ClientIdentity{idExpired, idC, idServer, idB}
	names := func(cas ...*testpki.Cert) [][]byte {
		var out [][]byte
		for _, c := range cas {
			out = append(out, c.Cert.RawSubject)
		}
		return out
	}
	with := func(req ClientCertificateRequest, cas ...*testpki.Cert) ClientCertificateRequest {
		req.AcceptableCAs = names(cas...)
		return req
	}
	rows := []struct {
		name     string
		req      ClientCertificateRequest
		want     []string // sources of the fitting identities, best first
		reasons  map[string]string
		wantSend int // length of the chain sent by the first
	}{
		{name: "server wants CA B: the ECDSA identity, through its intermediate", req: with(tls13ECDSA, caB),
			want: []string{"token:ecdsa"}, wantSend: 2,
			reasons: map[string]string{"token:expired": "expired at", "token:rsa-no-pss": "cannot make any signature",
				"token:server-only": "does not include clientAuth"}},
		{name: "server names the issuing CA itself", req: with(tls13ECDSA, interB), want: []string{"token:ecdsa"}, wantSend: 1},
		{name: "server wants CA C at TLS 1.3: the RSA key without PSS cannot", req: with(tls13ECDSA, caC), want: nil,
			reasons: map[string]string{"token:rsa-no-pss": "cannot make any signature the server accepts at TLS 1.3"}},
		{name: "server wants CA C at TLS 1.2: PKCS#1 v1.5 is fine", req: with(tls12RSA, caC), want: []string{"token:rsa-no-pss"}, wantSend: 1,
			reasons: map[string]string{"token:ecdsa": "leads to none of the CAs"}},
		{name: "server wants CA A: only the expired identity chains there", req: with(tls13ECDSA, caA), want: nil,
			reasons: map[string]string{"token:expired": "expired at"}},
		{name: "any CA at TLS 1.2: both usable identities", req: tls12RSA, want: []string{"token:rsa-no-pss", "token:ecdsa"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			fit, skipped := SelectClientIdentity(r.req, all, nil, selectNow)
			var got []string
			for _, f := range fit {
				got = append(got, f.Source)
			}
			if strings.Join(got, ",") != strings.Join(r.want, ",") {
				t.Fatalf("fit = %v, want %v (skipped %v)", got, r.want, skipped)
			}
			if len(fit)+len(skipped) != len(all) {
				t.Fatalf("%d fit + %d skipped != %d identities", len(fit), len(skipped), len(all))
			}
			if r.wantSend > 0 && len(fit[0].Chain) != r.wantSend {
				t.Fatalf("chain to send has %d certificates, want %d", len(fit[0].Chain), r.wantSend)
			}
			for src, want := range r.reasons {
				found := false
				for _, s := range skipped {
					if s.Identity.Source == src {
						found = true
						if !strings.Contains(s.Reason, want) {
							t.Errorf("%s skipped for %q, want it to say %q", src, s.Reason, want)
						}
					}
				}
				if !found {
					t.Errorf("%s was not skipped", src)
				}
			}
		})
	}
}

// TestSelectClientIdentityRanking: newest NotBefore first, then the latest
// NotAfter, then source order.
func TestSelectClientIdentityRanking(t *testing.T) {
	ca := testpki.Root("Rank CA", testpki.Options{NotBefore: selectNow.Add(-1000 * time.Hour), NotAfter: selectNow.Add(100000 * time.Hour)})
	old := clientLeaf(ca, testpki.ECDSAP256, selectNow.Add(-200*time.Hour), selectNow.Add(900*time.Hour))
	newer := clientLeaf(ca, testpki.ECDSAP256, selectNow.Add(-100*time.Hour), selectNow.Add(500*time.Hour))
	sameStartLonger := clientLeaf(ca, testpki.ECDSAP256, selectNow.Add(-100*time.Hour), selectNow.Add(800*time.Hour))
	ids := []ClientIdentity{identity("old", old, ca), identity("newer", newer, ca), identity("longer", sameStartLonger, ca)}
	fit, _ := SelectClientIdentity(tls13ECDSA, ids, nil, selectNow)
	var got []string
	for _, f := range fit {
		got = append(got, f.Source)
	}
	if strings.Join(got, ",") != "longer,newer,old" {
		t.Fatalf("ranking = %v, want longer,newer,old", got)
	}
}

// TestSelectClientIdentityChecksSignatures: a CA certificate with the right
// name but another key does not make a path.
func TestSelectClientIdentityChecksSignatures(t *testing.T) {
	root := testpki.Root("Sig Root", testpki.Options{NotBefore: selectNow.Add(-time.Hour), NotAfter: selectNow.Add(1000 * time.Hour)})
	inter := root.Intermediate("Sig Issuing", testpki.Options{NotBefore: selectNow.Add(-time.Hour), NotAfter: selectNow.Add(1000 * time.Hour)})
	impostorRoot := testpki.Root("Impostor", testpki.Options{NotBefore: selectNow.Add(-time.Hour), NotAfter: selectNow.Add(1000 * time.Hour)})
	impostor := impostorRoot.Intermediate("Sig Issuing", testpki.Options{NotBefore: selectNow.Add(-time.Hour), NotAfter: selectNow.Add(1000 * time.Hour)})
	leaf := clientLeaf(inter, testpki.ECDSAP256, selectNow.Add(-time.Hour), selectNow.Add(100*time.Hour))
	// The source holds the impostor, not the real issuer: no path to the
	// impostor's root may be built from a name match alone.
	id := identity("tampered", leaf, impostor, impostorRoot)
	req := tls13ECDSA
	req.AcceptableCAs = [][]byte{impostorRoot.Cert.RawSubject}
	if fit, skipped := SelectClientIdentity(req, []ClientIdentity{id}, nil, selectNow); len(fit) != 0 {
		t.Fatalf("a path was built through a certificate that did not sign the leaf (skipped %v)", skipped)
	}
	// With the real intermediate among the configured ones, it fits.
	req.AcceptableCAs = [][]byte{root.Cert.RawSubject}
	fit, skipped := SelectClientIdentity(req, []ClientIdentity{identity("leaf-only", leaf)}, []*x509.Certificate{impostor.Cert, inter.Cert}, selectNow)
	if len(fit) != 1 || len(fit[0].Chain) != 2 || fit[0].Chain[1] != inter.Cert {
		t.Fatalf("fit = %v, skipped %v; want the leaf with the real intermediate", fit, skipped)
	}
}

func TestNoClientIdentityErrorNamesEverything(t *testing.T) {
	var rdn pkix.RDNSequence
	if _, err := asn1.Unmarshal(testpki.Root("Wanted CA", testpki.Options{}).Cert.RawSubject, &rdn); err != nil {
		t.Fatal(err)
	}
	leaf := testpki.Root("Other CA", testpki.Options{})
	e := &NoClientIdentityError{AcceptableCAs: []pkix.RDNSequence{rdn},
		Skipped: []SkippedIdentity{{Identity: ClientIdentity{Chain: []*x509.Certificate{leaf.Cert}, Source: "pkcs11:token=a"}, Reason: "its chain leads to none of the CAs the server accepts"}}}
	msg := e.Error()
	for _, want := range []string{"Wanted CA", "Other CA", "pkcs11:token=a", "leads to none"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
