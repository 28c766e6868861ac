package pkcs11

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"encoding/asn1"
	"errors"
	"slices"
	"testing"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// goKey returns a fresh in-memory key: "rsa" (2048 bits), "ecdsa"
// (P-256), "p384" or "ed25519".
func goKey(kind string) crypto.Signer {
	var k crypto.Signer
	var err error
	switch kind {
	case "rsa":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ecdsa":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	default:
		panic("goKey: unknown kind " + kind)
	}
	if err != nil {
		panic(err)
	}
	return k
}

func TestParseECParams(t *testing.T) {
	oid := func(o asn1.ObjectIdentifier) []byte { b, _ := asn1.Marshal(o); return b }
	str := func(s string) []byte { b, _ := asn1.MarshalWithParams(s, "printable"); return b }
	for _, tc := range []struct {
		in    []byte
		curve elliptic.Curve
		ed    bool
	}{
		{oid(oidP256), elliptic.P256(), false},
		{oid(oidP384), elliptic.P384(), false},
		{oid(oidP521), elliptic.P521(), false},
		{oid(oidEd25519), nil, true},
		{str("edwards25519"), nil, true},
	} {
		c, err := parseECParams(tc.in)
		if tc.ed != (err == errEd25519) || (!tc.ed && (err != nil || c != tc.curve)) {
			t.Errorf("%x: %v %v", tc.in, c, err)
		}
	}
	if _, err := parseECParams(oid(asn1.ObjectIdentifier{1, 2, 3})); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown curve: %v", err)
	}
	if _, err := parseECParams([]byte{0xff}); err == nil {
		t.Error("garbage accepted")
	}
}

func TestECPublicKeyForms(t *testing.T) {
	k := goKey("ecdsa").(*ecdsa.PrivateKey)
	raw, _ := k.PublicKey.Bytes()
	wrapped, _ := asn1.Marshal(raw)
	params, _ := asn1.Marshal(oidP256)
	for _, point := range [][]byte{raw, wrapped} {
		pub, err := ecPublicKey(params, point)
		if err != nil || !k.PublicKey.Equal(pub) {
			t.Fatalf("%x: %v", point, err)
		}
	}
	epub := goKey("ed25519").Public().(ed25519.PublicKey)
	ew, _ := asn1.Marshal([]byte(epub))
	eparams, _ := asn1.MarshalWithParams("edwards25519", "printable")
	pub, err := ecPublicKey(eparams, ew)
	if err != nil || !epub.Equal(pub) {
		t.Fatalf("ed25519: %v", err)
	}
}

func TestECDSAASN1(t *testing.T) {
	k := goKey("p384").(*ecdsa.PrivateKey)
	d := sha256.Sum256([]byte("x"))
	r, s, _ := ecdsa.Sign(rand.Reader, k, d[:])
	rs := make([]byte, 96)
	r.FillBytes(rs[:48])
	s.FillBytes(rs[48:])
	sig, err := ecdsaASN1(rs)
	if err != nil || !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) {
		t.Fatalf("re-encoded signature does not verify: %v", err)
	}
	if _, err := ecdsaASN1([]byte{1, 2, 3}); err == nil {
		t.Error("odd-length r||s accepted")
	}
}

func TestPSSSaltLength(t *testing.T) {
	for _, tc := range []struct {
		opts *rsa.PSSOptions
		want int
		ok   bool
	}{
		{nil, 32, true},
		{&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}, 32, true},
		{&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}, 32, true},
		{&rsa.PSSOptions{SaltLength: 64}, 64, true},
		{&rsa.PSSOptions{SaltLength: 300}, 0, false},
		{&rsa.PSSOptions{SaltLength: -5}, 0, false},
	} {
		got, err := pssSaltLength(tc.opts, crypto.SHA256, 2048)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%+v: %d %v", tc.opts, got, err)
		}
	}
}

func TestSignatureSchemes(t *testing.T) {
	k := goKey("rsa").(*rsa.PrivateKey)
	all := map[uint]bool{ckmRSAPKCS: true, ckmRSAPKCSPSS: true, ckmECDSA: true, p11.CKM_EDDSA: true}
	if s := signatureSchemes(&k.PublicKey, all); !slices.Contains(s, tls.PSSWithSHA256) || !slices.Contains(s, tls.PKCS1WithSHA256) {
		t.Errorf("rsa: %v", s)
	}
	if s := signatureSchemes(&k.PublicKey, map[uint]bool{ckmRSAPKCS: true}); slices.Contains(s, tls.PSSWithSHA256) {
		t.Errorf("PSS offered without CKM_RSA_PKCS_PSS: %v", s)
	}
	ek := goKey("p384").(*ecdsa.PrivateKey)
	if s := signatureSchemes(&ek.PublicKey, all); !slices.Equal(s, []tls.SignatureScheme{tls.ECDSAWithP384AndSHA384}) {
		t.Errorf("p384: %v", s)
	}
	epub := goKey("ed25519").Public()
	if s := signatureSchemes(epub, map[uint]bool{ckmECDSA: true}); len(s) != 0 {
		t.Errorf("Ed25519 without CKM_EDDSA: %v", s)
	}
}

func TestErrorMessages(t *testing.T) {
	e := &Error{Op: "C_Login", Code: ckrPINIncorrect, Module: "/m.so", Token: "web"}
	if !errors.Is(e, ErrPINIncorrect) {
		t.Error("errors.Is(ErrPINIncorrect) false")
	}
	want := `pkcs11: C_Login on token "web" (module /m.so) failed: CKR_PIN_INCORRECT (0xA0): the PIN is wrong; check pin-value, pin-source or the PIN callback (not retried, so the token is not locked further)`
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
	if p11.CodeName(0x80000001) != "CKR_VENDOR_DEFINED+0x1" || p11.CodeName(0x7777) != "CKR_0x7777" {
		t.Errorf("unknown code names: %s %s", p11.CodeName(0x80000001), p11.CodeName(0x7777))
	}
}
