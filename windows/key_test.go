package windows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
)

func TestECDSAASN1(t *testing.T) {
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		d := sha256.Sum256([]byte("msg"))
		r, s, err := ecdsa.Sign(rand.Reader, k, d[:])
		if err != nil {
			t.Fatal(err)
		}
		size := (curve.Params().BitSize + 7) / 8
		rs := append(r.FillBytes(make([]byte, size)), s.FillBytes(make([]byte, size))...)
		sig, err := ecdsaASN1(rs)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) {
			t.Errorf("%s: converted signature does not verify", curve.Params().Name)
		}
	}
	if _, err := ecdsaASN1([]byte{1, 2, 3}); err == nil {
		t.Error("odd-length r||s accepted")
	}
	if _, err := ecdsaASN1(nil); err == nil {
		t.Error("empty r||s accepted")
	}
	// High bit set: must be encoded as a positive INTEGER.
	sig, _ := ecdsaASN1(append(big.NewInt(0x80).FillBytes(make([]byte, 32)), big.NewInt(0xff).FillBytes(make([]byte, 32))...))
	if len(sig) != 2+3+1+3+1 {
		t.Errorf("positive INTEGER padding: % x", sig)
	}
}

func TestSignatureSchemes(t *testing.T) {
	rk := &rsa.PublicKey{N: big.NewInt(77), E: 65537}
	if s := signatureSchemes(rk, "Microsoft Software Key Storage Provider"); !slices.Contains(s, tls.PSSWithSHA256) || !slices.Contains(s, tls.PKCS1WithSHA256) {
		t.Errorf("software RSA: %v", s)
	}
	if s := signatureSchemes(rk, platformProvider); slices.Contains(s, tls.PSSWithSHA256) || !slices.Contains(s, tls.PKCS1WithSHA384) {
		t.Errorf("TPM RSA must not offer PSS: %v", s)
	}
	for curve, want := range map[elliptic.Curve]tls.SignatureScheme{elliptic.P256(): tls.ECDSAWithP256AndSHA256, elliptic.P384(): tls.ECDSAWithP384AndSHA384, elliptic.P521(): tls.ECDSAWithP521AndSHA512} {
		if s := signatureSchemes(&ecdsa.PublicKey{Curve: curve}, ""); len(s) != 1 || s[0] != want {
			t.Errorf("%s: %v", curve.Params().Name, s)
		}
	}
	if s := signatureSchemes("not a key", ""); s != nil {
		t.Errorf("unknown key: %v", s)
	}
}

func TestPSSAndHash(t *testing.T) {
	rows := []struct {
		salt int
		want uint32
		ok   bool
	}{
		{rsa.PSSSaltLengthEqualsHash, 32, true},
		{rsa.PSSSaltLengthAuto, 32, true},
		{20, 20, true},
		{-7, 0, false},
	}
	for _, r := range rows {
		got, err := pssSaltLength(&rsa.PSSOptions{SaltLength: r.salt}, crypto.SHA256)
		if got != r.want || (err == nil) != r.ok {
			t.Errorf("salt %d: %d, %v", r.salt, got, err)
		}
	}
	for h, want := range map[crypto.Hash]string{crypto.SHA1: "SHA1", crypto.SHA256: "SHA256", crypto.SHA384: "SHA384", crypto.SHA512: "SHA512", crypto.MD5SHA1: ""} {
		if got, err := hashAlgID(h); err != nil || got != want {
			t.Errorf("hashAlgID(%v) = %q, %v", h, got, err)
		}
	}
	if _, err := hashAlgID(crypto.MD5); err == nil {
		t.Error("MD5 accepted")
	}
}

func TestKeyErrors(t *testing.T) {
	rows := map[uint32]error{
		0x80090016: ErrKeyNotFound,     // NTE_BAD_KEYSET
		0x80090022: ErrKeyNeedsUI,      // NTE_SILENT_CONTEXT
		0x80090010: ErrKeyAccessDenied, // NTE_PERM
		0x80090029: ErrKeyNotSupported, // NTE_NOT_SUPPORTED
		0x80090030: ErrKeyDevice,       // NTE_DEVICE_NOT_READY
		0x8010006B: ErrKeyPIN,          // SCARD_W_WRONG_CHV
		0x80090036: ErrKeyCancelled,    // NTE_USER_CANCELLED
		0x80090027: ErrKeyBadInput,     // NTE_INVALID_PARAMETER
		0x8009200B: ErrKeyNotFound,     // CRYPT_E_NO_KEY_PROPERTY
	}
	osErr := errors.New("os error")
	for code, want := range rows {
		e := keyError("capi:cn=x", "sign", "NCryptSignHash", code, osErr)
		if !errors.Is(e, want) || !strings.Contains(e.Error(), nteName(code)) || !strings.HasPrefix(e.Error(), "windows: cannot sign with key capi:cn=x") {
			t.Errorf("%#x: %v", code, e)
		}
	}
	if e := keyError("u", "sign", "NCryptSignHash", 0x80099999, osErr); !errors.Is(e, osErr) || !strings.Contains(e.Error(), "HRESULT 0x80099999") {
		t.Errorf("unknown NTE code: %v", e)
	}
	se := &StoreError{Op: "add", Location: LocalMachine, Store: "ROOT", Subject: "CN=x", Code: 5, Err: storeErrorFor(5, osErr)}
	if !errors.Is(se, ErrAccessDenied) || !strings.Contains(se.Error(), `LocalMachine\ROOT`) {
		t.Errorf("store error: %v", se)
	}
	if !errors.Is(storeErrorFor(1223, osErr), ErrCancelled) || !errors.Is(storeErrorFor(0x80092004, osErr), ErrNotFound) {
		t.Error("store error sentinels")
	}
}

// TestHandleFromProperty: the provider handle is read at the platform's
// pointer size (a fixed 8 bytes failed on 386, where the provider name was
// then unknown and TPM keys were offered PSS).
func TestHandleFromProperty(t *testing.T) {
	b := make([]byte, handleSize)
	b[0], b[1] = 0x34, 0x12
	if h, ok := handleFromProperty(b); !ok || h != 0x1234 {
		t.Errorf("handleFromProperty(% x) = %#x, %v", b, h, ok)
	}
	for _, n := range []int{0, 4, 8, 16} {
		if n == handleSize {
			continue
		}
		if _, ok := handleFromProperty(make([]byte, n)); ok {
			t.Errorf("a %d-byte property accepted as a %d-byte handle", n, handleSize)
		}
	}
}
