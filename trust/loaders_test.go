package trust

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/smallstep/pkcs7"
	"github.com/youmark/pkcs8"
)

func TestParseCertificatesFormats(t *testing.T) {
	root := testpki.Root("Loader Root", testpki.Options{})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"a.test"}})
	p7, err := pkcs7.DegenerateCertificate(append(append([]byte{}, leaf.Cert.Raw...), root.Cert.Raw...))
	if err != nil {
		t.Fatal(err)
	}
	mixed := append([]byte("junk before\n"), testpki.ChainPEM(leaf, root)...)
	mixed = append(mixed, leaf.KeyPEM()...) // keys in a bundle are ignored
	for _, tc := range []struct {
		name string
		data []byte
		want int
	}{
		{"PEM bundle", mixed, 2},
		{"DER", leaf.Cert.Raw, 1},
		{"PKCS7 DER", p7, 2},
		{"PKCS7 PEM", pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7}), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			certs, err := ParseCertificates(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(certs) != tc.want || !certs[0].Equal(leaf.Cert) {
				t.Fatalf("got %d certificates", len(certs))
			}
		})
	}
}

func TestParseCertificatesErrors(t *testing.T) {
	root := testpki.Root("Loader Root", testpki.Options{})
	bad := append(root.PEM(), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")...)
	_, err := ParseCertificates(bad)
	var ce *CertificateError
	if !errors.As(err, &ce) || ce.Index != 1 || !strings.Contains(err.Error(), "certificate #2") {
		t.Fatalf("bad second block: %v", err)
	}
	_, err = ParseCertificates([]byte("hello"))
	if !errors.Is(err, ErrNoCertificates) {
		t.Fatalf("garbage: %v", err)
	}
	_, err = ParseCertificates(root.KeyPEM())
	if !errors.Is(err, ErrNoCertificates) {
		t.Fatalf("key only: %v", err)
	}
	_, err = LoadCertificates(filepath.Join(tempDir(t), "missing.pem"))
	if err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Fatalf("missing file error does not name the file: %v", err)
	}
}

func TestParsePrivateKeyFormats(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pk8 := func(k any) []byte { d, _ := x509.MarshalPKCS8PrivateKey(k); return d }
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	enc8, err := pkcs8.MarshalPrivateKey(ecKey, []byte("s3cret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 testing the reader of legacy encrypted PEM
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), []byte("s3cret"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		data      []byte
		encrypted bool
		pub       any
	}{
		{"PKCS1 PEM", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}), false, &rsaKey.PublicKey},
		{"PKCS1 DER", x509.MarshalPKCS1PrivateKey(rsaKey), false, &rsaKey.PublicKey},
		{"PKCS8 RSA", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8(rsaKey)}), false, &rsaKey.PublicKey},
		{"PKCS8 EC DER", pk8(ecKey), false, &ecKey.PublicKey},
		{"PKCS8 Ed25519", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8(edKey)}), false, edKey.Public()},
		{"SEC1", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}), false, &ecKey.PublicKey},
		{"SEC1 after EC PARAMETERS", append([]byte("-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})...), false, &ecKey.PublicKey},
		{"encrypted PKCS8", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc8}), true, &ecKey.PublicKey},
		{"legacy encrypted PEM", pem.EncodeToMemory(legacy), true, &rsaKey.PublicKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			pw := func() ([]byte, error) { calls++; return []byte("s3cret"), nil }
			k, err := ParsePrivateKey(tc.data, pw)
			if err != nil {
				t.Fatal(err)
			}
			if !k.Public().(interface{ Equal(x crypto.PublicKey) bool }).Equal(tc.pub) {
				t.Fatal("public key does not match")
			}
			if want := map[bool]int{true: 1, false: 0}[tc.encrypted]; calls != want {
				t.Fatalf("password callback called %d times, want %d", calls, want)
			}
			if tc.encrypted {
				if _, err := ParsePrivateKey(tc.data, nil); !errors.Is(err, ErrKeyEncrypted) {
					t.Fatalf("no password: %v", err)
				}
				if _, err := ParsePrivateKey(tc.data, Password("wrong")); !errors.Is(err, ErrIncorrectPassword) {
					t.Fatalf("wrong password: %v", err)
				}
			}
		})
	}
}

func TestLoadPrivateKeyNamesFile(t *testing.T) {
	p := filepath.Join(tempDir(t), "server.key")
	os.WriteFile(p, []byte("not a key"), 0o600)
	_, err := LoadPrivateKey(p, nil)
	if err == nil || !strings.Contains(err.Error(), p) || !errors.Is(err, ErrNoPrivateKey) {
		t.Fatalf("error %v should name %s and wrap ErrNoPrivateKey", err, p)
	}
}

func FuzzParseCertificates(f *testing.F) {
	root := testpki.Root("Fuzz Root", testpki.Options{})
	p7, _ := pkcs7.DegenerateCertificate(root.Cert.Raw)
	f.Add(root.PEM())
	f.Add(root.Cert.Raw)
	f.Add(p7)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7}))
	f.Add([]byte("-----BEGIN TRUSTED CERTIFICATE-----\nMAA=\n-----END TRUSTED CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := ParseCertificates(data)
		if err == nil && len(certs) == 0 {
			t.Fatal("no error and no certificates")
		}
		if err != nil && certs != nil {
			t.Fatal("certificates returned with an error")
		}
		fuzzAnchors(data)
	})
}

// fuzzAnchors exercises the anchor path (trust attributes) too.
func fuzzAnchors(data []byte) { anchorsFromData(data, "fuzz") }

func FuzzParsePrivateKey(f *testing.F) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	enc, _ := pkcs8.MarshalPrivateKey(k, []byte("pw"), nil)
	f.Add(der)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}))
	f.Add(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Parameters = ivParam(f, 3) }))
	f.Add(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Algorithm = oidDESEDE3 }))
	f.Add(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) {
		p.KDF = pkix.AlgorithmIdentifier{Algorithm: oidScrypt,
			Parameters: asn1.RawValue{FullBytes: asn1Bytes(f, scryptParams{Salt: []byte("salt"), N: 1 << 10, R: 8, P: 1})}}
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := ParsePrivateKey(data, Password("pw"))
		if (err == nil) == (key == nil) {
			t.Fatalf("key %v with error %v", key, err)
		}
	})
}
