package native

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestExtendChain: issuers are added in order while their signature
// checks, the self-signed root is never added, and a certificate with the
// issuer's name but another key (an impostor) or an unrelated CA is never
// included.
func TestExtendChain(t *testing.T) {
	root := testpki.Root("Chain Root", testpki.Options{})
	inter := root.Intermediate("Chain Intermediate", testpki.Options{})
	leaf := inter.Leaf(testpki.Options{DNSNames: []string{"chain.test"}})
	impostor := testpki.Root("Other Root", testpki.Options{}).Intermediate("Chain Intermediate", testpki.Options{})
	unrelated := testpki.Root("Unrelated Root", testpki.Options{}).Intermediate("Unrelated CA", testpki.Options{})
	pool := testpki.Chain(impostor, unrelated, root, inter, leaf)

	got := extendChain(testpki.Chain(leaf), pool)
	if len(got) != 2 || !got[0].Equal(leaf.Cert) || !got[1].Equal(inter.Cert) {
		t.Fatalf("extendChain(leaf) = %v, want leaf, intermediate", subjects(got))
	}
	if got := extendChain(testpki.Chain(leaf), testpki.Chain(impostor, unrelated)); len(got) != 1 {
		t.Errorf("extendChain with only an impostor and an unrelated CA = %v, want the leaf alone", subjects(got))
	}
	if got := extendChain(testpki.Chain(leaf, inter), pool); len(got) != 2 {
		t.Errorf("extendChain(leaf, intermediate) = %v, want it unchanged (the root is not sent)", subjects(got))
	}
	if c := certifying(leaf.Key, pool); c == nil || !c.Equal(leaf.Cert) {
		t.Errorf("certifying(leaf key) = %v", c)
	}
}

// TestTokenOnly: object, id and type go; the token, module and PIN stay.
func TestTokenOnly(t *testing.T) {
	for in, want := range map[string]string{
		"pkcs11:token=web;object=server;type=private?module-path=/m.so&pin-source=/p": "pkcs11:token=web?module-path=/m.so&pin-source=/p",
		"pkcs11:id=%01;token=a%3Bb;serial=12":                                         "pkcs11:token=a%3Bb;serial=12",
		"pkcs11:object=x":                                                             "pkcs11:",
	} {
		if got := tokenOnly(in); got != want {
			t.Errorf("tokenOnly(%q) = %q, want %q", in, got, want)
		}
	}
}

func subjects(certs []*x509.Certificate) []string {
	var out []string
	for _, c := range certs {
		out = append(out, c.Subject.CommonName)
	}
	return out
}

// FuzzTokenOnly: any URI text gives a pkcs11: URI without object, id or
// type path attributes, and the query part unchanged; no panic.
func FuzzTokenOnly(f *testing.F) {
	f.Add("pkcs11:token=web;object=server;type=private?module-path=/m.so")
	f.Add("pkcs11:;;=;id=%01?")
	f.Fuzz(func(t *testing.T, uri string) {
		out := tokenOnly(uri)
		path, query, _ := strings.Cut(strings.TrimPrefix(out, "pkcs11:"), "?")
		for _, attr := range strings.Split(path, ";") {
			name, _, _ := strings.Cut(attr, "=")
			switch strings.ToLower(name) {
			case "object", "id", "type":
				t.Fatalf("tokenOnly(%q) = %q keeps %s", uri, out, name)
			}
		}
		if _, q, ok := strings.Cut(strings.TrimPrefix(uri, "pkcs11:"), "?"); ok && q != query {
			t.Fatalf("tokenOnly(%q) = %q changed the query", uri, out)
		}
	})
}

// chainToken is a SoftHSM token "web" (user PIN 1234) holding a leaf's key
// and, as certificates, the leaf, its intermediate, the root and an
// unrelated CA.
type chainToken struct {
	module, dir       string
	root, inter, leaf *testpki.Cert
	unrelated         *testpki.Cert
}

func newChainToken(t *testing.T) chainToken {
	h := softhsmtest.New(t, tempDir(t), nil)
	t.Setenv("SOFTHSM2_CONF", h.Conf)
	ct := chainToken{module: h.Module, dir: h.Dir}
	ct.root = testpki.Root("Token Root", testpki.Options{})
	ct.inter = ct.root.Intermediate("Token Intermediate", testpki.Options{})
	ct.leaf = ct.inter.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	ct.unrelated = testpki.Root("Unrelated Root", testpki.Options{}).Intermediate("Unrelated CA", testpki.Options{})
	h.InitToken(t, "web")
	h.ImportKey(t, "web", "server", "01", ct.leaf.KeyPEM())
	for _, c := range []struct {
		cert      *testpki.Cert
		id, label string
	}{{ct.leaf, "01", "server"}, {ct.unrelated, "03", "unrelated"}, {ct.inter, "02", "intermediate"}, {ct.root, "04", "root"}} {
		h.WriteCert(t, "web", c.label, c.id, c.cert.Cert.Raw)
	}
	return ct
}

// TestLoadIdentityCompletesTokenChain: whichever arguments name the token —
// the key alone, certificate and key URIs, a URI naming every certificate,
// or a PEM leaf with the key on the token — the chain is the leaf and its
// intermediate from the token: no root, no unrelated CA.
func TestLoadIdentityCompletesTokenChain(t *testing.T) {
	ct := newChainToken(t)
	q := "?module-path=" + ct.module
	key := "pkcs11:token=web;object=server;type=private" + q
	leafFile := filepath.Join(ct.dir, "leaf.pem")
	if err := os.WriteFile(leafFile, ct.leaf.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, uri string
		opts      []LoadOption
	}{
		{"key alone", key, nil},
		{"cert and key URIs", "pkcs11:token=web;object=server;type=cert" + q, []LoadOption{WithKey(key)}},
		{"every certificate of the token", "pkcs11:token=web;type=cert" + q, []LoadOption{WithKey(key)}},
		{"PEM leaf, key on the token", leafFile, []LoadOption{WithKey(key)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chain, err := LoadIdentity(tc.uri, append(tc.opts, WithPasswordSource("pass:1234"))...)
			if err != nil {
				t.Fatal(err)
			}
			defer closeKey(chain)
			got := chain.Certificates
			if len(got) != 2 || !got[0].Equal(ct.leaf.Cert) || !got[1].Equal(ct.inter.Cert) {
				t.Fatalf("chain = %v, want [leaf, Token Intermediate]", subjects(got))
			}
		})
	}
}

func closeKey(chain trust.CertificateChain) {
	if c, ok := chain.PrivateKey.(interface{ Close() error }); ok {
		c.Close()
	}
}
