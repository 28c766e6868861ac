package p11raw

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testfs"
)

// openSoftHSM initializes a fresh SoftHSM token "raw" (PIN 1234) and
// returns a logged-in read-write session on it.
func openSoftHSM(t *testing.T) (*Ctx, SessionHandle) {
	t.Helper()
	h := softhsmtest.New(t, testfs.TempDir(t), nil)
	t.Setenv("SOFTHSM2_CONF", h.Conf)
	h.InitToken(t, "raw")
	c, err := New(h.Module)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Initialize(""); err != nil {
		t.Fatalf("C_Initialize: %v", err)
	}
	t.Cleanup(func() { c.Finalize(); c.Destroy() })
	info, err := c.GetInfo()
	if err != nil || !strings.HasPrefix(info.ManufacturerID, "SoftHSM") || info.CryptokiVersion.Major < 2 {
		t.Fatalf("C_GetInfo: %+v %v", info, err)
	}
	slots, err := c.GetSlotList(true)
	if err != nil || len(slots) == 0 {
		t.Fatalf("C_GetSlotList: %v %v", slots, err)
	}
	ti, err := c.GetTokenInfo(slots[0])
	if err != nil || strings.TrimRight(ti.Label, " ") != "raw" || ti.MinPinLen == 0 || ti.MaxPinLen < ti.MinPinLen {
		t.Fatalf("C_GetTokenInfo: %+v %v", ti, err)
	}
	mechs, err := c.GetMechanismList(slots[0])
	if err != nil || len(mechs) < 10 {
		t.Fatalf("C_GetMechanismList: %d %v", len(mechs), err)
	}
	mi, err := c.GetMechanismInfo(slots[0], CKM_RSA_PKCS_PSS)
	if err != nil || mi.MaxKeySize < 2048 {
		t.Fatalf("C_GetMechanismInfo: %+v %v", mi, err)
	}
	sh, err := c.OpenSession(slots[0], CKF_SERIAL_SESSION|CKF_RW_SESSION)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(sh, CKU_USER, "0000"); err != Error(CKR_PIN_INCORRECT) {
		t.Fatalf("wrong PIN: %v", err)
	}
	if err := c.Login(sh, CKU_USER, softhsmtest.PIN); err != nil {
		t.Fatal(err)
	}
	si, err := c.GetSessionInfo(sh)
	if err != nil || si.State != CKS_RW_USER_FUNCTIONS || si.SlotID != slots[0] {
		t.Fatalf("C_GetSessionInfo: %+v %v", si, err)
	}
	return c, sh
}

// TestSoftHSMECDSA generates a P-256 key pair, reads the public point
// (two-pass C_GetAttributeValue), signs, verifies on the token and in Go.
func TestSoftHSMECDSA(t *testing.T) {
	c, sh := openSoftHSM(t)
	oid := []byte{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}
	pub, priv, err := c.GenerateKeyPair(sh, []*Mechanism{NewMechanism(CKM_EC_KEY_PAIR_GEN, nil)},
		[]*Attribute{NewAttribute(CKA_EC_PARAMS, oid), NewAttribute(CKA_VERIFY, true), NewAttribute(CKA_LABEL, "ec")},
		[]*Attribute{NewAttribute(CKA_SIGN, true), NewAttribute(CKA_SENSITIVE, true), NewAttribute(CKA_LABEL, "ec")})
	if err != nil {
		t.Fatalf("C_GenerateKeyPair: %v", err)
	}
	attrs, err := c.GetAttributeValue(sh, pub, []*Attribute{{Type: CKA_EC_POINT}, {Type: CKA_CLASS}, {Type: CKA_LABEL}})
	if err != nil {
		t.Fatal(err)
	}
	if cls, ok := ULong(attrs[1].Value); !ok || cls != CKO_PUBLIC_KEY || string(attrs[2].Value) != "ec" {
		t.Fatalf("attributes %v", attrs)
	}
	point := attrs[0].Value[2:] // DER OCTET STRING of 65 bytes
	x, y := elliptic.Unmarshal(elliptic.P256(), point)
	if x == nil {
		t.Fatalf("CKA_EC_POINT %x", attrs[0].Value)
	}
	digest := sha256.Sum256([]byte("p11raw"))
	if err := c.SignInit(sh, []*Mechanism{NewMechanism(CKM_ECDSA, nil)}, priv); err != nil {
		t.Fatal(err)
	}
	sig, err := c.Sign(sh, digest[:])
	if err != nil || len(sig) != 64 {
		t.Fatalf("C_Sign: %x %v", sig, err)
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(&ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}, digest[:], r, s) {
		t.Fatal("token signature does not verify in Go")
	}
	for i, want := range []error{nil, Error(0xC0) /* CKR_SIGNATURE_INVALID */} {
		if err := c.VerifyInit(sh, []*Mechanism{NewMechanism(CKM_ECDSA, nil)}, pub); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			sig[5] ^= 1
		}
		if err := c.Verify(sh, digest[:], sig); err != want {
			t.Errorf("C_Verify #%d = %v, want %v", i, err, want)
		}
	}
	if _, err := c.GetAttributeValue(sh, priv, []*Attribute{{Type: CKA_VALUE}}); err != Error(0x11) {
		t.Errorf("sensitive CKA_VALUE: %v, want CKR_ATTRIBUTE_SENSITIVE", err)
	}
}

// TestSoftHSMRSA checks the PSS and OAEP parameter structures: a PSS
// signature verifies in Go, an OAEP ciphertext made in Go decrypts.
func TestSoftHSMRSA(t *testing.T) {
	c, sh := openSoftHSM(t)
	pub, priv, err := c.GenerateKeyPair(sh, []*Mechanism{NewMechanism(CKM_RSA_PKCS_KEY_PAIR_GEN, nil)},
		[]*Attribute{NewAttribute(CKA_MODULUS_BITS, 2048), NewAttribute(CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}), NewAttribute(CKA_ENCRYPT, true)},
		[]*Attribute{NewAttribute(CKA_SIGN, true), NewAttribute(CKA_DECRYPT, true)})
	if err != nil {
		t.Fatalf("C_GenerateKeyPair: %v", err)
	}
	a, err := c.GetAttributeValue(sh, pub, []*Attribute{{Type: CKA_MODULUS}, {Type: CKA_PUBLIC_EXPONENT}})
	if err != nil {
		t.Fatal(err)
	}
	rpub := &rsa.PublicKey{N: new(big.Int).SetBytes(a[0].Value), E: int(new(big.Int).SetBytes(a[1].Value).Int64())}
	digest := sha256.Sum256([]byte("p11raw pss"))
	m := NewMechanism(CKM_RSA_PKCS_PSS, NewPSSParams(CKM_SHA256, CKG_MGF1_SHA256, 32))
	if err := c.SignInit(sh, []*Mechanism{m}, priv); err != nil {
		t.Fatal(err)
	}
	sig, err := c.SignSized(sh, digest[:], 256)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPSS(rpub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: 32}); err != nil {
		t.Fatalf("PSS signature: %v", err)
	}
	msg := []byte("secret")
	// SoftHSM 2.6 does OAEP with SHA-1 only.
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, rpub, msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DecryptInit(sh, []*Mechanism{NewMechanism(CKM_RSA_PKCS_OAEP, NewOAEPParams(0x220 /* CKM_SHA_1 */, 1 /* CKG_MGF1_SHA1 */, 1 /* CKZ_DATA_SPECIFIED */, nil))}, priv); err != nil {
		t.Fatal(err)
	}
	pt, err := c.Decrypt(sh, ct)
	if err != nil || !bytes.Equal(pt, msg) {
		t.Fatalf("OAEP decrypt: %q %v", pt, err)
	}
}
