package windows

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"syscall"
	"testing"

	syswin "golang.org/x/sys/windows"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/nativetls/nativetls/windows/internal/win32"
)

// importPFX imports key+cert as a PKCS#12 file into CurrentUser MY, with
// the CNG key storage provider (PKCS12_ALWAYS_CNG_KSP) as a user would
// with certutil -user -csp "Microsoft Software Key Storage Provider"
// -importpfx. Under Wine, which cannot import into CNG, it falls back to
// the legacy provider (so that OpenKey's own error is exercised). It
// returns false after logging a "wine gap" when no import works.
func importPFX(t *testing.T, key crypto.Signer, cert *x509.Certificate) bool {
	t.Helper()
	pfx, err := pkcs12.LegacyDES.Encode(key, cert, nil, "pfx-pass")
	if err != nil {
		t.Fatal(err)
	}
	const cng = syswin.CRYPT_USER_KEYSET | syswin.PKCS12_ALWAYS_CNG_KSP
	tmp, err := win32.PFXImportCertStore(pfx, "pfx-pass", cng)
	if err != nil {
		if !wineGapIf(t, errors.Is(err, syscall.EINVAL), "PFXImportCertStore(PKCS12_ALWAYS_CNG_KSP)", "NULL without setting an error (CNG key import not implemented)") {
			t.Fatalf("PFXImportCertStore: %v (%s)", err, codeName(errCode(err)))
		}
		tmp, err = win32.PFXImportCertStore(pfx, "pfx-pass", syswin.CRYPT_USER_KEYSET)
		if err != nil {
			if wineGapIf(t, errors.Is(err, syscall.EINVAL), "PFXImportCertStore", fmt.Sprintf("NULL without setting an error for a %T (only RSA keys import)", key)) {
				return false
			}
			t.Fatalf("PFXImportCertStore: %v", err)
		}
	}
	defer win32.CertCloseStore(tmp)
	my, err := openStore(CurrentUser, StoreMy, false)
	if err != nil {
		t.Fatal(err)
	}
	defer win32.CertCloseStore(my)
	n := 0
	for c := win32.CertEnumCertificatesInStore(tmp, nil); c != nil; c = win32.CertEnumCertificatesInStore(tmp, c) {
		if err := win32.CertAddCertificateContextToStore(my, c, syswin.CERT_STORE_ADD_REPLACE_EXISTING); err != nil {
			t.Fatalf("adding the imported certificate to MY: %v", err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("the PFX held %d certificates, want 1", n)
	}
	return true
}

// importEphemeral imports key into the Microsoft Software Key Storage
// Provider with NCryptImportKey and wraps the handle as a *Key, to test the
// NCrypt signing path where the store path is a Wine gap. It returns nil
// after logging a "wine gap" when Wine's NCrypt cannot import the key.
func importEphemeral(t *testing.T, key crypto.Signer, cert *x509.Certificate) *Key {
	t.Helper()
	prov, err := win32.NCryptOpenStorageProvider("Microsoft Software Key Storage Provider")
	if err != nil {
		if wineGap(t, "NCryptOpenStorageProvider", err) {
			return nil
		}
		t.Fatalf("NCryptOpenStorageProvider: %v", err)
	}
	defer win32.NCryptFreeObject(prov)
	blobType, blob, err := cngPrivateBlob(key)
	if err != nil {
		t.Fatal(err)
	}
	h, err := win32.NCryptImportKey(prov, blobType, blob, 0)
	if err != nil {
		if wineGap(t, "NCryptImportKey("+blobType+")", err) ||
			wineGapIf(t, blobType == "ECCPRIVATEBLOB" && errCode(err) == 0x80090027, "NCryptImportKey(ECCPRIVATEBLOB)", "NTE_INVALID_PARAMETER (\"unhandled key magic\": no ECC keys)") {
			return nil
		}
		t.Fatalf("NCryptImportKey(%s): %v (%s)", blobType, err, codeName(errCode(err)))
	}
	inter := installedPKI(t, "nativetls TLS Test").inter
	return &Key{uri: "ncrypt-import:" + cert.Subject.CommonName, pub: key.Public(), chain: []*x509.Certificate{cert, inter},
		handle: uintptr(h), mustFree: true, provider: providerName(h)}
}

func keyTestCert(t *testing.T, key crypto.Signer, cn string) *x509.Certificate {
	t.Helper()
	p := installedPKI(t, "nativetls TLS Test")
	tmpl := leafTemplate(cn, cn)
	tmpl.SubjectKeyId = []byte{0xAB, 0xCD, byte(len(cn)), 0x01}
	return mkCert(t, tmpl, p.inter, key.Public(), p.interKey)
}

func thumbprint(c *x509.Certificate) string {
	s := sha1.Sum(c.Raw)
	return hex.EncodeToString(s[:])
}

func TestCNGKeys(t *testing.T) {
	requireScratchStores(t)
	keys := []struct {
		name string
		key  crypto.Signer
	}{
		{"rsa2048", rsaKey()},
		{"p256", ecKey()},
		{"p384", must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))},
	}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			cn := k.name + ".key.nativetls.example"
			cert := keyTestCert(t, k.key, cn)
			var key *Key
			if importPFX(t, k.key, cert) {
				key = openStoreKey(t, cert)
			}
			if key == nil {
				if key = importEphemeral(t, k.key, cert); key == nil {
					t.Skip("no CNG key could be made under Wine (see the wine gaps above)")
				}
				t.Logf("testing the NCrypt signing path with an NCryptImportKey'd key instead")
			}
			defer key.Close()
			t.Logf("provider %q, schemes %v", key.Provider(), key.SupportedSignatureSchemes())
			if !signAndVerify(t, key) {
				t.Skip("NCryptSignHash is not implemented by Wine")
			}
			signConcurrently(t, key)
			tlsHandshake(t, key)
		})
	}
}

// openStoreKey opens cert's key through OpenKey by thumbprint and the other
// capi: URI forms; nil after logging a wine gap.
func openStoreKey(t *testing.T, cert *x509.Certificate) *Key {
	t.Helper()
	uri := "capi:store-location=user;store=My;sha1=" + thumbprint(cert)
	key, err := OpenKey(uri, nil)
	if err != nil {
		var ke *KeyError
		if errors.As(err, &ke) && (wineGap(t, ke.API, syswin.Errno(ke.Code)) ||
			wineGapIf(t, errors.Is(err, ErrKeyNotCNG), "CryptAcquireCertificatePrivateKey(CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG)", "a legacy CryptoAPI key handle, not a CNG one")) {
			return nil
		}
		t.Fatalf("OpenKey(%s): %v", uri, err)
	}
	if !key.Certificate().Equal(cert) {
		t.Fatal("OpenKey returned another certificate")
	}
	cn := cert.Subject.CommonName
	for _, alt := range []string{
		"capi:store=My;cn=" + cn,
		"capi:store-location=user;key-id=" + hex.EncodeToString(cert.SubjectKeyId),
		"capi:issuer=" + cert.Issuer.CommonName + ";serial=" + cert.SerialNumber.String(),
	} {
		k2, err := OpenKey(alt, nil)
		if err != nil {
			t.Fatalf("OpenKey(%s): %v", alt, err)
		}
		k2.Close()
	}
	return key
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// signAndVerify signs with every scheme the key offers and checks the
// signatures with Go. It returns false when the part was skipped as a Wine
// gap.
func signAndVerify(t *testing.T, key *Key) bool {
	t.Helper()
	msg := []byte("nativetls CNG signing test")
	// PKCS#1 v1.5 first: Wine's bcrypt (GnuTLS) pins an RSA key to PSS once
	// it has made a PSS signature and then refuses PKCS#1 v1.5.
	schemes := key.SupportedSignatureSchemes()
	slices.SortStableFunc(schemes, func(a, b tls.SignatureScheme) int {
		return cmp.Compare(b2i(isPSS(a)), b2i(isPSS(b)))
	})
	for _, scheme := range schemes {
		h := schemeHash(scheme)
		d := h.New()
		d.Write(msg)
		digest := d.Sum(nil)
		var opts crypto.SignerOpts = h
		if isPSS(scheme) {
			opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
		}
		sig, err := key.Sign(rand.Reader, digest, opts)
		if err != nil {
			var ke *KeyError
			if errors.As(err, &ke) && wineGap(t, ke.API+" ("+scheme.String()+")", syswin.Errno(ke.Code)) {
				continue
			}
			t.Fatalf("Sign %v: %v", scheme, err)
		}
		switch pub := key.Public().(type) {
		case *rsa.PublicKey:
			if o, ok := opts.(*rsa.PSSOptions); ok {
				err = rsa.VerifyPSS(pub, h, digest, sig, o)
			} else {
				err = rsa.VerifyPKCS1v15(pub, h, digest, sig)
			}
		case *ecdsa.PublicKey:
			if !ecdsa.VerifyASN1(pub, digest, sig) {
				err = errors.New("ECDSA signature does not verify")
			}
		}
		if err != nil {
			t.Fatalf("%v signature does not verify: %v", scheme, err)
		}
	}
	if pub, ok := key.Public().(*rsa.PublicKey); ok {
		for _, d := range []struct {
			name    string
			encrypt func() ([]byte, error)
			opts    crypto.DecrypterOpts
		}{
			{"OAEP", func() ([]byte, error) { return rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, []byte("secret"), nil) }, &rsa.OAEPOptions{Hash: crypto.SHA256}},
			{"PKCS#1 v1.5", func() ([]byte, error) { return rsa.EncryptPKCS1v15(rand.Reader, pub, []byte("secret")) }, nil},
		} {
			ct, err := d.encrypt()
			if err != nil {
				t.Fatal(err)
			}
			pt, err := key.Decrypt(rand.Reader, ct, d.opts)
			var ke *KeyError
			switch {
			case errors.As(err, &ke) && wineGap(t, ke.API+" ("+d.name+")", syswin.Errno(ke.Code)):
			case err != nil:
				t.Fatalf("Decrypt %s: %v", d.name, err)
			case string(pt) != "secret":
				t.Fatalf("Decrypt %s gave %q", d.name, pt)
			}
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func schemeHash(s tls.SignatureScheme) crypto.Hash {
	switch s {
	case tls.PKCS1WithSHA384, tls.PSSWithSHA384, tls.ECDSAWithP384AndSHA384:
		return crypto.SHA384
	case tls.PKCS1WithSHA512, tls.PSSWithSHA512, tls.ECDSAWithP521AndSHA512:
		return crypto.SHA512
	}
	return crypto.SHA256
}

func isPSS(s tls.SignatureScheme) bool {
	return s == tls.PSSWithSHA256 || s == tls.PSSWithSHA384 || s == tls.PSSWithSHA512
}

// tlsHandshake runs a loopback TLS 1.3 and TLS 1.2 handshake with key as
// the server's key; the client verifies through the OS store (System).
func tlsHandshake(t *testing.T, key *Key) {
	t.Helper()
	for _, v := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srvCert := key.TLSCertificate()
		done := make(chan error, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				done <- err
				return
			}
			defer c.Close()
			s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{srvCert}, MinVersion: v, MaxVersion: v})
			if err := s.Handshake(); err != nil {
				done <- err
				return
			}
			_, err = io.WriteString(s, "hello")
			done <- err
		}()
		store, _ := System()
		name := key.Certificate().DNSNames[0]
		cc, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{
			ServerName: name, InsecureSkipVerify: true, MinVersion: v, MaxVersion: v,
			VerifyConnection: func(cs tls.ConnectionState) error {
				opts := trustOpts(name)
				_, err := store.Verify(t.Context(), cs.PeerCertificates, opts)
				return err
			},
		})
		ln.Close()
		if err != nil {
			t.Fatalf("TLS %x handshake with the CNG key: %v (server: %v)", v, err, <-done)
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(cc, buf); err != nil || string(buf) != "hello" {
			t.Fatalf("read %q, %v", buf, err)
		}
		cc.Close()
		if err := <-done; err != nil {
			t.Fatalf("server: %v", err)
		}
		t.Logf("TLS %x handshake with the CNG key: ok", v)
	}
}

// signConcurrently signs from several goroutines with one key handle.
func signConcurrently(t *testing.T, key *Key) {
	t.Helper()
	scheme := key.SupportedSignatureSchemes()[0]
	h := schemeHash(scheme)
	digest := make([]byte, h.Size())
	var opts crypto.SignerOpts = h
	if isPSS(scheme) {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var err error
			for j := 0; j < 10 && err == nil; j++ {
				_, err = key.Sign(rand.Reader, digest, opts)
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent Sign: %v", err)
		}
	}
}
