//go:build windows

package native

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"syscall"
	"testing"
	"unsafe"

	syswin "golang.org/x/sys/windows"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

// TestWindowsCAPIIdentity serves TLS with a capi: identity: the leaf and
// its RSA key imported into CurrentUser MY from a PKCS#12 file with the CNG
// key storage provider, as certutil -importpfx does. Under Wine the import
// cannot use CNG and the key ends in a legacy provider, which LoadIdentity
// must report as windows.ErrKeyNotCNG (a wine gap, skipped only then).
func TestWindowsCAPIIdentity(t *testing.T) {
	p := requireWinPKI(t)
	sum := sha1.Sum(p.leaf.Cert.Raw)
	importToMY(t, p.leaf.Key, p.leaf.Cert, sum)
	uri := "capi:store-location=user;store=My;sha1=" + hex.EncodeToString(sum[:])
	id, err := LoadIdentity(uri)
	if underWine() && errors.Is(err, windows.ErrKeyNotCNG) {
		t.Logf("wine gap: CryptAcquireCertificatePrivateKey(CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG) returned a legacy CryptoAPI key handle, not a CNG one")
		t.Skipf("no CNG key under Wine: %v", err)
	}
	if err != nil {
		t.Fatalf("LoadIdentity(%s): %v", uri, err)
	}
	if k, ok := id.PrivateKey.(*windows.Key); ok {
		defer k.Close()
	} else {
		t.Fatalf("the capi: key is a %T, want a *windows.Key", id.PrivateKey)
	}
	if !id.Certificates[0].Equal(p.leaf.Cert) {
		t.Fatalf("identity leaf %s, want %s", id.Certificates[0].Subject, p.leaf.Cert.Subject)
	}
	srv := trust.DefaultConfiguration().WithCertificateChain(id.PrivateKey, p.leaf.Cert, p.inter.Cert)
	if r := handshake(t, p.clientConfig(), srv, "www.example.test"); r.clientErr != nil || r.serverErr != nil {
		t.Fatalf("handshake with the CNG key: client %v, server %v", r.clientErr, r.serverErr)
	}
}

// importToMY imports key and cert into CurrentUser MY (CNG provider when
// the OS can) and removes the certificate when the test ends.
func importToMY(t *testing.T, key crypto.Signer, cert *x509.Certificate, sum [sha1.Size]byte) {
	t.Helper()
	pfx, err := pkcs12.LegacyDES.Encode(key, cert, nil, "pfx-pass")
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := syswin.UTF16PtrFromString("pfx-pass")
	blob := syswin.CryptDataBlob{Size: uint32(len(pfx)), Data: &pfx[0]}
	tmp, err := syswin.PFXImportCertStore(&blob, pw, syswin.CRYPT_USER_KEYSET|syswin.PKCS12_ALWAYS_CNG_KSP)
	if err != nil {
		if !underWine() || !errors.Is(err, syscall.EINVAL) {
			t.Fatalf("PFXImportCertStore(PKCS12_ALWAYS_CNG_KSP): %v", err)
		}
		t.Logf("wine gap: PFXImportCertStore(PKCS12_ALWAYS_CNG_KSP) returned NULL without setting an error (CNG key import not implemented)")
		if tmp, err = syswin.PFXImportCertStore(&blob, pw, syswin.CRYPT_USER_KEYSET); err != nil {
			t.Fatalf("PFXImportCertStore: %v", err)
		}
	}
	defer syswin.CertCloseStore(tmp, 0)
	my := openMY(t)
	defer syswin.CertCloseStore(my, 0)
	c, err := syswin.CertEnumCertificatesInStore(tmp, nil)
	if err != nil {
		t.Fatalf("the PKCS#12 import holds no certificate: %v", err)
	}
	err = syswin.CertAddCertificateContextToStore(my, c, syswin.CERT_STORE_ADD_REPLACE_EXISTING, nil)
	syswin.CertFreeCertificateContext(c)
	if err != nil {
		t.Fatalf("adding the certificate to CurrentUser MY: %v", err)
	}
	t.Cleanup(func() {
		my := openMY(t)
		defer syswin.CertCloseStore(my, 0)
		hash := syswin.CryptHashBlob{Size: sha1.Size, Data: &sum[0]}
		found, err := syswin.CertFindCertificateInStore(my, syswin.X509_ASN_ENCODING|syswin.PKCS_7_ASN_ENCODING, 0, syswin.CERT_FIND_SHA1_HASH, unsafe.Pointer(&hash), nil)
		if err == nil {
			err = syswin.CertDeleteCertificateFromStore(found) // frees found
		}
		if err != nil {
			t.Errorf("removing the test certificate from CurrentUser MY: %v", err)
		}
	})
}

func openMY(t *testing.T) syswin.Handle {
	t.Helper()
	name, _ := syswin.UTF16PtrFromString("MY")
	h, err := syswin.CertOpenStore(syswin.CERT_STORE_PROV_SYSTEM, 0, 0, syswin.CERT_SYSTEM_STORE_CURRENT_USER, uintptr(unsafe.Pointer(name)))
	if err != nil {
		t.Fatalf("opening CurrentUser MY: %v", err)
	}
	return h
}
