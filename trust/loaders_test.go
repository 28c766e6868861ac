package trust

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/smallstep/pkcs7"
	"github.com/youmark/pkcs8"

	"github.com/nativetls/nativetls/internal/testpki"
)

// The certificate and private-key loaders: formats, errors naming the file,
// encrypted keys (fuzzers: fuzz_test.go).

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
	rsaKey := testpki.NewKey(testpki.RSA2048).(*rsa.PrivateKey)
	ecKey := testpki.NewKey(testpki.ECDSAP384).(*ecdsa.PrivateKey)
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

// Encrypted PKCS#8 keys with hostile parameters: every one is an error
// naming the file, never a panic, and none keeps the CPU busy.

// mutateEncryptedKey re-encodes an encrypted PKCS#8 key after edit has
// changed its parameters.
func mutateEncryptedKey(t testing.TB, edit func(info *epkInfo, p *pbes2Params, kdf *pbkdf2Params)) []byte {
	t.Helper()
	k := testpki.Root("key", testpki.Options{}).Key
	der, err := pkcs8.MarshalPrivateKey(k, []byte("pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var info epkInfo
	var p pbes2Params
	var kdf pbkdf2Params
	mustUnmarshal(t, der, &info)
	mustUnmarshal(t, info.Algo.Parameters.FullBytes, &p)
	mustUnmarshal(t, p.KDF.Parameters.FullBytes, &kdf)
	kdfParams := p.KDF.Parameters
	edit(&info, &p, &kdf)
	if p.KDF.Parameters.FullBytes != nil && string(p.KDF.Parameters.FullBytes) == string(kdfParams.FullBytes) {
		p.KDF.Parameters = asn1.RawValue{FullBytes: asn1Bytes(t, kdf)} // PBKDF2, edited in kdf
	}
	info.Algo.Parameters = asn1.RawValue{FullBytes: asn1Bytes(t, p)}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: asn1Bytes(t, info)})
}

func mustUnmarshal(t testing.TB, der []byte, v any) {
	t.Helper()
	if _, err := asn1.Unmarshal(der, v); err != nil {
		t.Fatal(err)
	}
}

func asn1Bytes(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ivParam(t testing.TB, n int) asn1.RawValue {
	return asn1.RawValue{FullBytes: asn1Bytes(t, make([]byte, n))}
}

func TestEncryptedKeyHostileParameters(t *testing.T) {
	scrypt := func(n, r, p int) func(*epkInfo, *pbes2Params, *pbkdf2Params) {
		return func(_ *epkInfo, pp *pbes2Params, _ *pbkdf2Params) {
			pp.KDF = pkix.AlgorithmIdentifier{Algorithm: oidScrypt,
				Parameters: asn1.RawValue{FullBytes: asn1Bytes(t, scryptParams{Salt: []byte("salt"), N: n, R: r, P: p})}}
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*epkInfo, *pbes2Params, *pbkdf2Params)
		want string
	}{
		{"3-byte IV (AES-256-CBC)", func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Parameters = ivParam(t, 3) }, "the IV is 3 bytes; the cipher needs 16"},
		{"empty IV", func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Parameters = ivParam(t, 0) }, "the IV is 0 bytes"},
		{"3-DES with a 16-byte IV", func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Algorithm = oidDESEDE3 }, "the IV is 16 bytes; the cipher needs 8"},
		{"partial cipher block", func(i *epkInfo, _ *pbes2Params, _ *pbkdf2Params) { i.Data = i.Data[:len(i.Data)-3] }, "not a whole number of 16-byte cipher blocks"},
		{"2^31-1 PBKDF2 iterations", func(_ *epkInfo, _ *pbes2Params, k *pbkdf2Params) { k.Iterations = 1<<31 - 1 }, "iteration count 2147483647 is outside 1..10000000"},
		{"zero PBKDF2 iterations", func(_ *epkInfo, _ *pbes2Params, k *pbkdf2Params) { k.Iterations = 0 }, "iteration count 0"},
		{"scrypt N=2^30", scrypt(1<<30, 8, 1), "scrypt N=1073741824 r=8 p=1 is outside the limits"},
		{"scrypt r huge", scrypt(1<<14, 1<<20, 1), "outside the limits"},
		{"scrypt p huge", scrypt(1<<14, 8, 1<<20), "outside the limits"},
		{"scrypt N not a power of two", scrypt(1000, 8, 1), "outside the limits"},
		{"PBKDF2 key length unlike the cipher's", func(_ *epkInfo, p *pbes2Params, k *pbkdf2Params) {
			p.KDF.Parameters = asn1.RawValue{FullBytes: asn1Bytes(t, pbkdf2ParamsFull{Salt: k.Salt, Iterations: k.Iterations, KeyLength: 3, PRF: k.PRF})}
		}, "PBKDF2 key length 3 does not match the cipher's 32-byte key"},
		{"unknown cipher", func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Algorithm = asn1.ObjectIdentifier{1, 2, 3} }, "unsupported cipher 1.2.3"},
		{"not PBES2", func(i *epkInfo, _ *pbes2Params, _ *pbkdf2Params) {
			i.Algo.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
		}, "only PBES2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(tempDir(t), "hostile.key")
			if err := os.WriteFile(path, mutateEncryptedKey(t, tc.edit), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadPrivateKey(path, Password("pw"))
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Source != path || !errors.Is(err, ErrKeyParameters) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a KeyError for %s wrapping ErrKeyParameters with %q, got %v", path, tc.want, err)
			}
		})
	}
}

// TestEncryptedKeysFromOpenSSL: the checks refuse nothing openssl makes
// with its usual settings.
func TestEncryptedKeysFromOpenSSL(t *testing.T) {
	dir := tempDir(t)
	plain := filepath.Join(dir, "plain.key")
	if err := os.WriteFile(plain, testpki.Root("key", testpki.Options{}).KeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"aes-256-cbc":          {"-v2", "aes-256-cbc"},
		"aes-128-cbc sha1 prf": {"-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"},
		"des3":                 {"-v2", "des3"},
		"scrypt":               {"-scrypt"},
		"many iterations":      {"-v2", "aes-256-cbc", "-iter", "1000000"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".key")
			runOpenSSL(t, dir, append([]string{"pkcs8", "-topk8", "-in", plain, "-out", out, "-passout", "pass:pw"}, args...)...)
			if _, err := LoadPrivateKey(out, Password("pw")); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadPrivateKey(out, Password("wrong")); !errors.Is(err, ErrIncorrectPassword) {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}

// Legacy PEM encryption has no MAC: some wrong passwords decrypt with valid
// padding to garbage. That is still an incorrect password.
func TestLegacyPEMWrongPasswordWithValidPadding(t *testing.T) {
	key := testpki.NewKey(testpki.ECDSAP256).(*ecdsa.PrivateKey)
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 testing the reader of legacy encrypted PEM
	block, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte("s3cret"), x509.PEMCipherAES128) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20000 {
		pw := []byte("wrong-" + strconv.Itoa(i))
		//lint:ignore SA1019 finding a wrong password the padding check lets through
		if _, err := x509.DecryptPEMBlock(block, pw); err != nil { //nolint:staticcheck
			continue
		}
		_, err := ParsePrivateKey(pem.EncodeToMemory(block), Password(string(pw)))
		if !errors.Is(err, ErrIncorrectPassword) {
			t.Fatalf("wrong password %q that passes the padding check: %v", pw, err)
		}
		return
	}
	t.Fatal("no wrong password with valid padding among 20000 (expected about 1 in 200)")
}
