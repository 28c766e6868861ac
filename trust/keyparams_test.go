package trust

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/youmark/pkcs8"

	"github.com/nativetls/nativetls/internal/testfs"
	"github.com/nativetls/nativetls/internal/testpki"
)

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
			path := filepath.Join(testfs.TempDir(t), "hostile.key")
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
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skipf("openssl not found: apt-get install openssl")
	}
	dir := testfs.TempDir(t)
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
			cmd := exec.Command("openssl", append([]string{"pkcs8", "-topk8", "-in", plain, "-out", out, "-passout", "pass:pw"}, args...)...)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("openssl pkcs8: %v\n%s", err, b)
			}
			if _, err := LoadPrivateKey(out, Password("pw")); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadPrivateKey(out, Password("wrong")); !errors.Is(err, ErrIncorrectPassword) {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}
