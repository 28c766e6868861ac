package darwin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/nativetls/nativetls/darwin/internal/sec"
)

// identityFixture is a keychain with an ECDSA and an RSA identity issued by
// the test PKI.
type identityFixture struct {
	p        *testPKI
	kc       *testKeychain
	ecCert   *x509.Certificate
	rsaCert  *x509.Certificate
	ecLabel  string
	rsaLabel string
}

func newIdentityFixture(t testing.TB) *identityFixture {
	t.Helper()
	f := &identityFixture{p: newTestPKI(t), kc: newTestKeychain(t), ecLabel: "nativetls-ec.example.test", rsaLabel: "nativetls-rsa.example.test"}
	ecKey := newECKey(t)
	f.ecCert = f.leafFor(t, f.ecLabel, ecKey)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f.rsaCert = f.leafFor(t, f.rsaLabel, rsaKey)
	f.kc.importIdentity(t, ecKey, []*x509.Certificate{f.ecCert, f.p.inter})
	f.kc.importIdentity(t, rsaKey, []*x509.Certificate{f.rsaCert, f.p.inter})
	return f
}

func (f *identityFixture) leafFor(t testing.TB, name string, key crypto.Signer) *x509.Certificate {
	return makeCert(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: date(2026, 1, 1), NotAfter: date(2026, 12, 1),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}, f.p.inter, key, f.p.interKey)
}

func (f *identityFixture) uri(attrs string) string {
	return "mackms:" + attrs + ";keychain=" + f.kc.path
}

func TestIdentitySigning(t *testing.T) {
	f := newIdentityFixture(t)
	ec, err := OpenKey(f.uri("label="+f.ecLabel), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	if !ec.Certificate().Equal(f.ecCert) || !ec.Chain()[0].Equal(f.ecCert) {
		t.Fatal("wrong certificate")
	}
	if got := ec.SupportedSignatureSchemes(); len(got) != 1 || got[0] != tls.ECDSAWithP256AndSHA256 {
		t.Errorf("EC schemes: %v", got)
	}
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		d := h.New()
		d.Write([]byte("nativetls"))
		sig, err := ec.Sign(rand.Reader, d.Sum(nil), h)
		if err != nil {
			t.Fatalf("ECDSA %v: %v", h, err)
		}
		if !ecdsa.VerifyASN1(f.ecCert.PublicKey.(*ecdsa.PublicKey), d.Sum(nil), sig) {
			t.Errorf("ECDSA %v signature does not verify", h)
		}
	}

	hash, err := keyHash(f.rsaCert.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := OpenKey(f.uri("hash="+hex.EncodeToString(hash)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rk.Close()
	pub := f.rsaCert.PublicKey.(*rsa.PublicKey)
	if len(rk.SupportedSignatureSchemes()) < 3 {
		t.Errorf("RSA schemes: %v", rk.SupportedSignatureSchemes())
	}
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		d := h.New()
		d.Write([]byte("nativetls"))
		digest := d.Sum(nil)
		sig, err := rk.Sign(nil, digest, h)
		if err != nil || rsa.VerifyPKCS1v15(pub, h, digest, sig) != nil {
			t.Errorf("PKCS#1 v1.5 %v: %v", h, err)
		}
		pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
		sig, err = rk.Sign(nil, digest, pss)
		if err != nil || rsa.VerifyPSS(pub, h, digest, sig, pss) != nil {
			t.Errorf("PSS %v: %v", h, err)
		}
	}
	if err := rk.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := rk.Sign(nil, make([]byte, 32), crypto.SHA256); !errors.Is(err, ErrClosed) {
		t.Errorf("sign after Close: %v", err)
	}
}

func TestIdentityErrors(t *testing.T) {
	f := newIdentityFixture(t)
	if chain, err := Certificates(f.uri("label=" + f.rsaLabel)); err != nil || !chain[0].Equal(f.rsaCert) {
		t.Errorf("Certificates: %v", err)
	}
	if _, err := OpenKey(f.uri("label=nobody"), nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing identity: %v", err)
	}
	if _, err := OpenKey(f.uri("label="+f.ecLabel+";se=true"), nil); err == nil {
		t.Error("se=true matched a keychain key")
	}
	var ke *KeyError
	if _, err := OpenKey("mackms:label=x;bogus=1", nil); !errors.As(err, &ke) || !errors.Is(err, ErrInvalidURI) {
		t.Errorf("bad URI: %v", err)
	}
}

// TestIdentityTLS uses keychain keys as a crypto/tls server key, with
// TLS 1.3 (ECDSA, RSA-PSS) and TLS 1.2 (RSA PKCS#1 v1.5).
func TestIdentityTLS(t *testing.T) {
	f := newIdentityFixture(t)
	for _, c := range []struct {
		label string
		max   uint16
	}{{f.ecLabel, tls.VersionTLS13}, {f.rsaLabel, tls.VersionTLS13}, {f.rsaLabel, tls.VersionTLS12}} {
		k, err := OpenKey(f.uri("label="+c.label), nil)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(f.p.root)
		tc := k.TLSCertificate()
		if len(tc.Certificate) < 1 {
			t.Fatal("no certificate")
		}
		// The chain the keychain built may lack the intermediate (it is
		// found only when the test keychain is in the search list); send it.
		tc.Certificate = [][]byte{tc.Leaf.Raw, f.p.inter.Raw}
		a, b := net.Pipe()
		srv := tls.Server(a, &tls.Config{Certificates: []tls.Certificate{tc}, MaxVersion: c.max})
		cli := tls.Client(b, &tls.Config{RootCAs: roots, ServerName: c.label, Time: func() time.Time { return fixedNow }, MaxVersion: c.max})
		errc := make(chan error, 1)
		go func() { errc <- srv.Handshake() }()
		if err := cli.Handshake(); err != nil {
			t.Errorf("%s TLS %x: client: %v", c.label, c.max, err)
		}
		if err := <-errc; err != nil {
			t.Errorf("%s TLS %x: server: %v", c.label, c.max, err)
		}
		a.Close()
		b.Close()
		k.Close()
	}
}

// TestAlgorithmNamesExist checks that every SecKeyAlgorithm name this
// package can choose is exported by Security.framework.
func TestAlgorithmNamesExist(t *testing.T) {
	names := map[string]bool{}
	for _, s := range rsaSchemes {
		names[s.algorithm] = true
	}
	for _, prefix := range []string{"kSecKeyAlgorithmRSASignatureDigestPKCS1v15", "kSecKeyAlgorithmECDSASignatureDigestX962"} {
		for _, h := range hashSuffix {
			names[prefix+h] = true
		}
	}
	for n := range names {
		if r, err := sec.SecurityConstant(n); err != nil || r == 0 {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestListIdentities(t *testing.T) {
	f := newIdentityFixture(t)
	ids, err := ListIdentities(f.kc.path)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, id := range ids {
		if !id.Certificate.Equal(f.ecCert) && !id.Certificate.Equal(f.rsaCert) {
			continue
		}
		found++
		k, err := OpenKey(id.URI, nil)
		if err != nil {
			t.Fatalf("listed URI %q does not open: %v", id.URI, err)
		}
		if !k.Certificate().Equal(id.Certificate) {
			t.Errorf("URI %q opened another identity", id.URI)
		}
		k.Close()
	}
	if found != 2 {
		t.Fatalf("listed %d of the fixture's 2 identities (%d in all)", found, len(ids))
	}
}
