package native

import (
	"crypto/x509"
	"errors"
	"github.com/nativetls/nativetls/internal/testfs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// FuzzLoadIdentityFile feeds identity files — PKCS#12 bundles (.p12) and
// PEM/DER certificate-and-key files (.pem) — through the public loader,
// the way `serve --cert FILE` reads them. A parser panic the loader had to
// recover (ErrLoaderPanic) is a failure; so are a load that stalls and
// success without a certificate and key.
func FuzzLoadIdentityFile(f *testing.F) {
	root := testpki.Root("Fuzz P12 Root", testpki.Options{})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"p12.example"}})
	for _, enc := range []*pkcs12.Encoder{pkcs12.Modern, pkcs12.LegacyDES} {
		p12, err := enc.Encode(leaf.Key, leaf.Cert, []*x509.Certificate{root.Cert}, "pw")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p12, true)
	}
	f.Add(append(leaf.PEM(), leaf.KeyPEM()...), false)
	f.Add(testpki.BadIVEncryptedKeyPEM(), false)
	dir := testfs.TempDir(f)
	f.Fuzz(func(t *testing.T, data []byte, p12 bool) {
		name := "id.pem"
		if p12 {
			name = "id.p12"
		}
		fh, err := os.CreateTemp(dir, "*-"+name)
		if err != nil {
			t.Fatal(err)
		}
		path := fh.Name()
		defer os.Remove(path)
		fh.Write(data)
		fh.Close()
		type result struct {
			chain trust.CertificateChain
			err   error
		}
		done := make(chan result, 1)
		go func() { c, err := LoadIdentity(path, WithPasswordSource("pass:pw")); done <- result{c, err} }()
		var r result
		select {
		case r = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("loading a %d-byte %s stalls (the fuzzer reports no hang by itself)", len(data), name)
		}
		chain, err := r.chain, r.err
		if errors.Is(err, ErrLoaderPanic) {
			t.Fatalf("a parser panicked (recovered by the loader): %v", err)
		}
		if err == nil && (len(chain.Certificates) == 0 || chain.PrivateKey == nil) {
			t.Fatalf("%s loaded without a certificate and key", filepath.Base(path))
		}
	})
}
