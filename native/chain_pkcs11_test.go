//go:build cgo && linux

package native

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

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
