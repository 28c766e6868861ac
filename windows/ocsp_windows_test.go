package windows

import (
	"context"
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/nativetls/nativetls/trust"
)

// TestStapledOCSP hands a stapled OCSP response to the chain engine
// (CERT_OCSP_RESPONSE_PROP_ID) under the hard-fail policy with no network:
// a "good" response must let the chain pass, a "revoked" one must fail it
// as revoked.
func TestStapledOCSP(t *testing.T) {
	p := installedPKI(t, "nativetls HardFail Test")
	tmpl := leafTemplate(testHost, testHost)
	tmpl.OCSPServer = []string{"http://ocsp.nativetls.invalid/"}
	k := ecKey()
	leaf := mkCert(t, tmpl, p.inter, k.Public(), p.interKey)
	store, _ := System()
	chain := []*x509.Certificate{leaf, p.inter}
	// The chain engine judges an OCSP response's freshness at the real
	// current time, whatever time the chain is verified at: the responses
	// are made valid now (the certificates are valid from 2025 to 2035).
	now := time.Now()
	staple := func(status int) []byte {
		resp, err := ocsp.CreateResponse(p.inter, p.inter, ocsp.Response{
			Status: status, SerialNumber: new(big.Int).Set(leaf.SerialNumber),
			ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour),
			RevokedAt: now.Add(-48 * time.Hour), RevocationReason: ocsp.KeyCompromise,
		}, p.interKey)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	opts := trust.VerifyOptions{ServerName: testHost, Time: verifyTime, Revocation: trust.RevocationHardFail, DisableFetch: true}

	opts.OCSPResponse = staple(ocsp.Good)
	_, err := store.Verify(context.Background(), chain, opts)
	if err != nil {
		if ve, ok := err.(*trust.VerificationError); ok && ve.Reason == trust.ReasonRevocationUnknown &&
			wineGapIf(t, true, "CertGetCertificateChain with CERT_OCSP_RESPONSE_PROP_ID", "revocation status unknown for a stapled good OCSP response (stapled responses are not used)") {
			t.Skip("Wine's chain engine does not use stapled OCSP responses")
		}
		t.Fatalf("good staple under hard-fail: %v", err)
	}
	opts.OCSPResponse = staple(ocsp.Revoked)
	_, err = store.Verify(context.Background(), chain, opts)
	wantReason(t, err, trust.ReasonRevoked)
}
