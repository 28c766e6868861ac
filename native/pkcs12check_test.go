package native

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// testPFX is a PFX with its MacData (RFC 7292 4).
type testPFX struct {
	Version  int
	AuthSafe asn1.RawValue
	MacData  testMacData
}

type testMacData struct {
	Mac        asn1.RawValue
	MacSalt    []byte
	Iterations *big.Int `asn1:"optional"` // absent: 1
}

// withMACIterations rewrites a PFX's MacData iteration count.
func withMACIterations(t *testing.T, p12 []byte, n *big.Int) []byte {
	t.Helper()
	var pfx testPFX
	if _, err := asn1.Unmarshal(p12, &pfx); err != nil {
		t.Fatalf("unmarshal %d bytes: %v", len(p12), err)
	}
	pfx.MacData.Iterations = n
	out, err := asn1.Marshal(pfx)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return out
}

// TestPKCS12IterationsCapped: a bundle asking for 2^31-1 MAC iterations
// (which the decoder would run, for hours) is refused at once with
// trust.ErrKeyParameters; real bundles (modern and legacy encodings) load.
func TestPKCS12IterationsCapped(t *testing.T) {
	root := testpki.Root("P12 Root", testpki.Options{})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"p12.example"}})
	dir := tempDir(t)
	for i, enc := range []*pkcs12.Encoder{pkcs12.Modern, pkcs12.LegacyDES} {
		p12, err := enc.Encode(leaf.Key, leaf.Cert, []*x509.Certificate{root.Cert}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		good := filepath.Join(dir, "good.p12")
		os.WriteFile(good, p12, 0o600)
		if _, err := LoadIdentity(good, WithPasswordSource("pass:pw")); err != nil {
			t.Fatalf("encoder %d: a real bundle is refused: %v", i, err)
		}
		for _, n := range []*big.Int{big.NewInt(1<<31 - 1), big.NewInt(-1), new(big.Int).Lsh(big.NewInt(1), 100)} {
			evil := filepath.Join(dir, "evil.p12")
			os.WriteFile(evil, withMACIterations(t, p12, n), 0o600)
			start := time.Now()
			_, err := LoadIdentity(evil, WithPasswordSource("pass:pw"))
			if !errors.Is(err, trust.ErrKeyParameters) {
				t.Errorf("encoder %d, %v MAC iterations: %v, want trust.ErrKeyParameters", i, n, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("encoder %d, %v MAC iterations: refusing took %v", i, n, d)
			}
		}
	}
}

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
	dir := tempDir(f)
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
