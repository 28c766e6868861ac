package windows

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestWineShortECDSASignature verifies a leaf whose ECDSA signature has an
// r or s shorter than 32 bytes (valid DER, about 1 in 128 P-256
// signatures). Windows accepts it; Wine 8's CryptVerifyCertificateSignatureEx
// does not left-pad the integers and reports TRUST_E_CERT_SIGNATURE, which
// is skipped as a wine gap only under Wine and only with exactly that code.
func TestWineShortECDSASignature(t *testing.T) {
	p := installedPKI(t, "nativetls Verify Test")
	k := ecKey()
	var leaf *x509.Certificate
	for i := 0; leaf == nil; i++ {
		if i == 10000 {
			t.Fatal("no short ECDSA signature in 10000 tries")
		}
		c := testpki.SignTemplate(leafTemplate(testHost, testHost), k.Public(), p.inter, p.interKey)
		if shortECDSASignature(c, p.interKey) {
			leaf = c
		}
	}
	if err := leaf.CheckSignatureFrom(p.inter); err != nil {
		t.Fatalf("crypto/x509 rejects the short signature: %v", err)
	}
	store, _ := System()
	_, err := store.Verify(context.Background(), []*x509.Certificate{leaf, p.inter}, trustOpts(testHost))
	var ve *trust.VerificationError
	isSigErr := errors.As(err, &ve) && ve.Reason == trust.ReasonBadSignature && ve.PlatformCode == 0x80096004
	if wineGapIf(t, isSigErr, "CertGetCertificateChain", "TRUST_E_CERT_SIGNATURE for an ECDSA signature whose r or s is shorter than the curve size (valid DER; Windows accepts it)") {
		t.Skip("Wine's crypt32 does not left-pad short ECDSA r/s values")
	}
	if err != nil {
		t.Fatalf("Verify of a leaf with a short ECDSA r or s: %v", err)
	}
}
