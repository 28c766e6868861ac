package darwin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"reflect"
	"testing"
)

func TestSignatureAlgorithm(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey := newECKey(t)
	cases := []struct {
		pub  crypto.PublicKey
		opts crypto.SignerOpts
		want string
	}{
		{&rsaKey.PublicKey, crypto.SHA256, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA256"},
		{&rsaKey.PublicKey, crypto.SHA384, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA384"},
		{&rsaKey.PublicKey, crypto.SHA512, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA512"},
		{&rsaKey.PublicKey, crypto.SHA1, "kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA1"},
		{&rsaKey.PublicKey, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}, "kSecKeyAlgorithmRSASignatureDigestPSSSHA256"},
		{&rsaKey.PublicKey, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: crypto.SHA384}, "kSecKeyAlgorithmRSASignatureDigestPSSSHA384"},
		{&rsaKey.PublicKey, &rsa.PSSOptions{SaltLength: 64, Hash: crypto.SHA512}, "kSecKeyAlgorithmRSASignatureDigestPSSSHA512"},
		{&ecKey.PublicKey, crypto.SHA256, "kSecKeyAlgorithmECDSASignatureDigestX962SHA256"},
		{&ecKey.PublicKey, crypto.SHA384, "kSecKeyAlgorithmECDSASignatureDigestX962SHA384"},
		{&ecKey.PublicKey, crypto.SHA512, "kSecKeyAlgorithmECDSASignatureDigestX962SHA512"},
	}
	for _, c := range cases {
		got, err := signatureAlgorithm(c.pub, c.opts.HashFunc().Size(), c.opts)
		if err != nil || got != c.want {
			t.Errorf("%T %v: got %q, %v; want %q", c.pub, c.opts, got, err, c.want)
		}
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	for _, bad := range []struct {
		pub       crypto.PublicKey
		digestLen int
		opts      crypto.SignerOpts
	}{
		{&rsaKey.PublicKey, 32, &rsa.PSSOptions{SaltLength: 20, Hash: crypto.SHA256}},
		{&rsaKey.PublicKey, 20, &rsa.PSSOptions{Hash: crypto.SHA1}},
		{&ecKey.PublicKey, 32, crypto.MD5},
		{&ecKey.PublicKey, 32, nil},
		{edPub, 0, crypto.Hash(0)},
		{edPub, 32, crypto.SHA256},
	} {
		if _, err := signatureAlgorithm(bad.pub, bad.digestLen, bad.opts); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%T %v: want ErrUnsupported, got %v", bad.pub, bad.opts, err)
		}
	}
	if _, err := signatureAlgorithm(&ecKey.PublicKey, 20, crypto.SHA256); err == nil {
		t.Error("a 20-byte digest for SHA-256 must be refused")
	}
}

func TestSignatureSchemes(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	all := []tls.SignatureScheme{tls.PSSWithSHA256, tls.PSSWithSHA384, tls.PSSWithSHA512, tls.PKCS1WithSHA256, tls.PKCS1WithSHA384, tls.PKCS1WithSHA512}
	if got := signatureSchemes(&rsaKey.PublicKey, nil); !reflect.DeepEqual(got, all) {
		t.Errorf("RSA-2048: %v", got)
	}
	if got := signatureSchemes(&small.PublicKey, nil); len(got) != 5 {
		t.Errorf("RSA-1024 cannot do PSS with SHA-512: %v", got)
	}
	noPSS := func(alg string) bool { return alg[len("kSecKeyAlgorithmRSASignatureDigest"):][:3] != "PSS" }
	if got := signatureSchemes(&rsaKey.PublicKey, noPSS); !reflect.DeepEqual(got, all[3:]) {
		t.Errorf("a key without PSS: %v", got)
	}
	for pub, want := range map[crypto.PublicKey]tls.SignatureScheme{
		&newECKey(t).PublicKey: tls.ECDSAWithP256AndSHA256,
		&p384.PublicKey:        tls.ECDSAWithP384AndSHA384,
		&p521.PublicKey:        tls.ECDSAWithP521AndSHA512,
	} {
		if got := signatureSchemes(pub, nil); !reflect.DeepEqual(got, []tls.SignatureScheme{want}) {
			t.Errorf("%v: %v", want, got)
		}
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if got := signatureSchemes(edPub, nil); len(got) != 0 {
		t.Errorf("Ed25519: %v", got)
	}
}

func TestKeyHash(t *testing.T) {
	ec := newECKey(t)
	h, err := keyHash(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	point := append([]byte{4}, append(ec.X.FillBytes(make([]byte, 32)), ec.Y.FillBytes(make([]byte, 32))...)...)
	if want := sha1.Sum(point); string(h) != string(want[:]) {
		t.Errorf("EC hash %x, want %x", h, want)
	}
	rk, _ := rsa.GenerateKey(rand.Reader, 1024)
	h, err = keyHash(&rk.PublicKey)
	if want := sha1.Sum(x509.MarshalPKCS1PublicKey(&rk.PublicKey)); err != nil || string(h) != string(want[:]) {
		t.Errorf("RSA hash %x, %v", h, err)
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := keyHash(edPub); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Ed25519: %v", err)
	}
}
