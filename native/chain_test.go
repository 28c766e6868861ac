package native

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
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
