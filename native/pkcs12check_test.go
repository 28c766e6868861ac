package native

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"github.com/nativetls/nativetls/internal/testfs"
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
	dir := testfs.TempDir(t)
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
