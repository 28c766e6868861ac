package pkcs11

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

func openTestKey(t testing.TB, uri string) *Key {
	t.Helper()
	k, err := OpenKey(uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func TestSignEachAlgorithm(t *testing.T) {
	sharedHSM(t)
	msg := []byte("nativetls pkcs11 signing test")
	for _, ak := range algoKeys {
		t.Run(ak.label, func(t *testing.T) {
			k := openTestKey(t, keyURI("algos", ak.label))
			if !strings.Contains(k.URI(), "object="+ak.label) || strings.Contains(k.URI(), testPIN) {
				t.Errorf("URI() = %s", k.URI())
			}
			switch pub := k.Public().(type) {
			case *rsa.PublicKey:
				for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512, crypto.SHA1} {
					d := digest(h, msg)
					sig, err := k.Sign(rand.Reader, d, h)
					if err != nil {
						t.Fatalf("PKCS1v15 %v: %v", h, err)
					}
					if err := rsa.VerifyPKCS1v15(pub, h, d, sig); err != nil {
						t.Fatalf("PKCS1v15 %v verify: %v", h, err)
					}
				}
				for _, salt := range []int{rsa.PSSSaltLengthEqualsHash, rsa.PSSSaltLengthAuto, 20} {
					d := digest(crypto.SHA256, msg)
					sig, err := k.Sign(rand.Reader, d, &rsa.PSSOptions{SaltLength: salt, Hash: crypto.SHA256})
					if err != nil {
						t.Fatalf("PSS salt %d: %v", salt, err)
					}
					want := salt
					if salt <= 0 {
						want = rsa.PSSSaltLengthEqualsHash
					}
					if err := rsa.VerifyPSS(pub, crypto.SHA256, d, sig, &rsa.PSSOptions{SaltLength: want}); err != nil {
						t.Fatalf("PSS salt %d verify: %v", salt, err)
					}
				}
				if _, err := k.Sign(rand.Reader, digest(crypto.SHA256, msg), &rsa.PSSOptions{SaltLength: 4096, Hash: crypto.SHA256}); !errors.Is(err, ErrUnsupported) {
					t.Errorf("oversized PSS salt: %v", err)
				}
				// Decrypt: PKCS#1 v1.5 and OAEP.
				dk, err := k.Decrypter()
				if err != nil {
					t.Fatal(err)
				}
				ct, _ := rsa.EncryptPKCS1v15(rand.Reader, pub, msg)
				pt, err := dk.Decrypt(rand.Reader, ct, nil)
				if err != nil || string(pt) != string(msg) {
					t.Fatalf("Decrypt PKCS1v15: %q %v", pt, err)
				}
				// SoftHSM 2.6 implements OAEP with SHA-1 only.
				ct, _ = rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, msg, nil)
				pt, err = dk.Decrypt(rand.Reader, ct, &rsa.OAEPOptions{Hash: crypto.SHA1})
				if err != nil || string(pt) != string(msg) {
					t.Fatalf("Decrypt OAEP: %q %v", pt, err)
				}
				sk, err := dk.Decrypt(rand.Reader, []byte("garbage"), &rsa.PKCS1v15DecryptOptions{SessionKeyLen: 48})
				if err != nil || len(sk) != 48 {
					t.Fatalf("SessionKeyLen on bad ciphertext: %d %v", len(sk), err)
				}
			case *ecdsa.PublicKey:
				h := map[int]crypto.Hash{256: crypto.SHA256, 384: crypto.SHA384, 521: crypto.SHA512}[pub.Curve.Params().BitSize]
				d := digest(h, msg)
				sig, err := k.Sign(rand.Reader, d, h)
				if err != nil {
					t.Fatal(err)
				}
				if !ecdsa.VerifyASN1(pub, d, sig) {
					t.Fatal("ECDSA signature does not verify")
				}
				if _, err := k.Decrypter(); !errors.Is(err, ErrUnsupported) {
					t.Errorf("EC Decrypt: %v", err)
				}
			case ed25519.PublicKey:
				sig, err := k.Sign(rand.Reader, msg, crypto.Hash(0))
				if err != nil {
					t.Fatal(err)
				}
				if !ed25519.Verify(pub, msg, sig) {
					t.Fatal("Ed25519 signature does not verify")
				}
				if _, err := k.Sign(rand.Reader, digest(crypto.SHA512, msg), crypto.SHA512); !errors.Is(err, ErrUnsupported) {
					t.Errorf("Ed25519ph: %v", err)
				}
			default:
				t.Fatalf("unexpected public key %T", pub)
			}
			if len(k.SupportedSignatureSchemes()) == 0 {
				t.Error("no TLS signature schemes")
			}
			t.Logf("%s schemes %v", ak.label, k.SupportedSignatureSchemes())
		})
	}
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA512:
		s := sha512.Sum512(msg)
		return s[:]
	}
	hh := h.New()
	hh.Write(msg)
	return hh.Sum(nil)
}

func TestKeyCertificateAndChain(t *testing.T) {
	sharedHSM(t)
	k := openTestKey(t, keyURI("algos", "rsa2048"))
	chain, err := k.Chain()
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 2 || chain[0].Subject.CommonName != "server-rsa2048" || chain[1].Subject.CommonName != "nativetls test intermediate" {
		t.Fatalf("chain %v", chain)
	}
	certs, err := LoadCertificates("pkcs11:token=algos;object=root;type=cert?module-path="+softhsmModule, nil)
	if err != nil || len(certs) != 1 || !certs[0].Equal(shared.root) {
		t.Fatalf("LoadCertificates: %v %v", certs, err)
	}
}

func TestOpenKeyErrors(t *testing.T) {
	sharedHSM(t)
	for _, tc := range []struct {
		uri  string
		want error
	}{
		{keyURI("algos", "nope"), ErrKeyNotFound},
		{"pkcs11:token=algos?module-path=" + softhsmModule + "&pin-value=" + testPIN, ErrAmbiguous},
		{keyURI("missing", "rsa2048"), ErrTokenNotFound},
		{"pkcs11:token=algos;object=p256?module-path=" + softhsmModule, ErrPINRequired},
		{"pkcs11:token=algos;object=p256?module-path=/nonexistent.so", ErrModuleNotFound},
	} {
		k, err := OpenKey(tc.uri, nil)
		if err == nil {
			k.Close()
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("OpenKey(%s) = %v, want %v", tc.uri, err, tc.want)
		} else {
			t.Logf("%v", err)
		}
	}
}

func TestPINCallbackAndSource(t *testing.T) {
	sharedHSM(t)
	calls := 0
	k, err := OpenKey("pkcs11:token=algos;object=p256?module-path="+softhsmModule, &Options{
		PIN: func(_ context.Context, label string) (string, error) {
			calls++
			if label != "algos" {
				t.Errorf("callback label %q", label)
			}
			return testPIN, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	k.Close()
	if calls != 1 {
		t.Errorf("PIN callback called %d times", calls)
	}
	pinSource := pinFile(t, testPIN+"\n")
	k, err = OpenKey("pkcs11:token=algos;object=p256?module-path="+softhsmModule+"&pin-source=file:"+pinSource, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.Close()
}

func TestTokensAndListObjects(t *testing.T) {
	sharedHSM(t)
	slots, err := Tokens(softhsmModule)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(slots, func(s Slot) bool { return s.Token.Label == "algos" }) {
		t.Fatalf("tokens %+v", slots)
	}
	objs, err := ListObjects("pkcs11:token=algos?module-path="+softhsmModule+"&pin-value="+testPIN, nil)
	if err != nil {
		t.Fatal(err)
	}
	var priv int
	for _, o := range objs {
		if o.Type == "private" {
			priv++
			k, err := OpenKey(o.URI+"&pin-value="+testPIN, nil)
			if err != nil {
				t.Fatalf("listed URI %s does not open: %v", o.URI, err)
			}
			k.Close()
		}
	}
	if priv != len(algoKeys) {
		t.Errorf("%d private keys listed, want %d: %+v", priv, len(algoKeys), objs)
	}
}

func TestConcurrentSign64(t *testing.T) {
	sharedHSM(t)
	k, err := OpenKey(keyURI("algos", "p256")+"&max-sessions=4", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	pub := k.Public().(*ecdsa.PublicKey)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				d := sha256.Sum256([]byte{byte(i), byte(j)})
				sig, err := k.Sign(rand.Reader, d[:], crypto.SHA256)
				if err != nil {
					errs <- err
					return
				}
				if !ecdsa.VerifyASN1(pub, d[:], sig) {
					errs <- errors.New("bad signature")
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestSchemesWithoutPSS(t *testing.T) {
	sharedHSM(t)
	k := openTestKey(t, keyURI("algos", "rsa2048"))
	delete(k.t.mechs, ckmRSAPKCSPSS)
	k.schemes = signatureSchemes(k.pub, k.t.mechs)
	for _, s := range k.SupportedSignatureSchemes() {
		if s == tls.PSSWithSHA256 || s == tls.PSSWithSHA384 || s == tls.PSSWithSHA512 {
			t.Fatalf("PSS scheme %v offered without CKM_RSA_PKCS_PSS", s)
		}
	}
	if _, err := k.Sign(rand.Reader, digest(crypto.SHA256, []byte("x")), &rsa.PSSOptions{Hash: crypto.SHA256}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("PSS without mechanism: %v", err)
	}
	if v, err := k.MaxTLSVersion(0, 0); err != nil || v != tls.VersionTLS12 {
		t.Errorf("MaxTLSVersion = %x %v, want TLS 1.2", v, err)
	}
	if _, err := k.MaxTLSVersion(tls.VersionTLS13, 0); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "RSA-PSS") {
		t.Errorf("TLS 1.3 only: %v", err)
	} else {
		t.Logf("TLS 1.3 only: %v", err)
	}
	tc, err := k.TLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	// TLS 1.3 needs PSS for RSA: a clear handshake failure.
	if err := handshake(t, tc, tls.VersionTLS13, nil); err == nil {
		t.Fatal("TLS 1.3 handshake with a PKCS#1-only RSA key succeeded")
	} else {
		t.Logf("TLS 1.3 without PSS: %v", err)
	}
	// TLS 1.2 falls back to PKCS#1 v1.5.
	if err := handshake(t, tc, tls.VersionTLS12, nil); err != nil {
		t.Fatalf("TLS 1.2 fallback: %v", err)
	}
}

// TestKeysShareTokenPool: keys on one token share its session pool and
// login; closing one leaves the other working; Close is idempotent.
func TestKeysShareTokenPool(t *testing.T) {
	sharedHSM(t)
	k1, err := OpenKey(keyURI("algos", "p256")+"&max-sessions=3", nil)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := OpenKey("pkcs11:token=algos;object=rsa2048?module-path="+softhsmModule, nil) // no PIN: the token is logged in
	if err != nil {
		t.Fatal(err)
	}
	if k1.t != k2.t || cap(k1.t.pool.sem) != 3 {
		t.Fatalf("keys on one token do not share the pool (%p %p, size %d)", k1.t, k2.t, cap(k1.t.pool.sem))
	}
	k1.Close()
	k1.Close()
	if _, err := k2.Sign(rand.Reader, digest(crypto.SHA256, []byte("x")), crypto.SHA256); err != nil {
		t.Fatalf("second key after the first closed: %v", err)
	}
	if _, err := k1.Sign(rand.Reader, digest(crypto.SHA256, []byte("x")), crypto.SHA256); !errors.Is(err, ErrClosed) {
		t.Fatalf("Sign on a closed key: %v", err)
	}
	k2.Close()
}
