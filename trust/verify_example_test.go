package trust_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"

	"github.com/nativetls/nativetls/trust"
)

// ExampleVerify_revocationAndPins checks a TLS peer's chain with a trust store, the stapled
// OCSP response the server sent, and a pin on the site's key.
func ExampleVerify_revocationAndPins() {
	store, err := trust.FromPEMFile("/etc/company/root-ca.pem")
	if err != nil {
		log.Fatal(err)
	}
	pin, err := trust.ParsePin(`pin-sha256="LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="`)
	if err != nil {
		log.Fatal(err)
	}
	var state tls.ConnectionState // from a handshake
	_, err = trust.Verify(context.Background(), store, state.PeerCertificates, trust.VerifyOptions{
		ServerName:   "www.example.com",
		OCSPResponse: state.OCSPResponse,
		Revocation:   trust.RevocationHardFail,
		Pins:         []trust.Pin{pin},
	})
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		log.Printf("%v (reason %s)", ve, ve.Reason)
	}
}

// ExampleVerifier uses a verifier of its own: a small cache, and the strict
// profile with a maximum chain depth.
func ExampleVerifier() {
	v := &trust.Verifier{Cache: trust.NewVerifyCache(64)}
	store, err := trust.FromPEMFile("/etc/company/root-ca.pem")
	if err != nil {
		log.Fatal(err)
	}
	var state tls.ConnectionState // from a handshake
	chains, err := v.Verify(context.Background(), store, state.PeerCertificates, trust.VerifyOptions{
		ServerName: "internal.example.com",
		Strict:     true,
		MaxDepth:   2,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(chains[0]))
}

// ExampleParsePin_spellings shows the accepted spellings of an RFC 7469 pin.
func ExampleParsePin_spellings() {
	for _, s := range []string{
		`pin-sha256="LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="`,
		`sha256/LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=`,
	} {
		p, err := trust.ParsePin(s)
		fmt.Println(p, err)
	}
	// Output:
	// pin-sha256="LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=" <nil>
	// pin-sha256="LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=" <nil>
}
