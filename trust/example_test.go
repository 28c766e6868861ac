package trust_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// Configurations are values: With methods return changed copies.
func ExampleConfiguration() {
	base := trust.DefaultConfiguration()
	h2 := base.WithInnerProtocols(trust.H2, trust.HTTP1_1).WithVersions(trust.TLSv1_3, trust.MaximumSupported)
	fmt.Println(base.InnerProtocols(), base.LowestSupportedVersion())
	fmt.Println(h2.InnerProtocols(), h2.LowestSupportedVersion())
	fmt.Println(base.Equal(h2), h2.Equal(base.WithInnerProtocols(trust.H2, trust.HTTP1_1).WithVersions(trust.TLSv1_3, trust.MaximumSupported)))
	// Output:
	// [] default
	// [h2 http/1.1] TLSv1.3
	// false true
}

// Verify returns a *VerificationError whose message says what failed.
func ExampleVerify() {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	root := testpki.Root("Example Root", testpki.Options{NotBefore: now.AddDate(-1, 0, 0)})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"a.example", "b.example"}, NotBefore: now.AddDate(0, -1, 0)})
	store := trust.FromCertificates("example roots", root.Cert)

	_, err := trust.Verify(context.Background(), store, testpki.Chain(leaf), trust.VerifyOptions{ServerName: "c.example", Time: now})
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Reason)
		fmt.Println(err)
	}
	// Output:
	// hostname_mismatch
	// trust: certificate is valid for a.example, b.example, not c.example
}

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

// Pins use the RFC 7469 form.
func ExampleParsePin() {
	pin, err := trust.ParsePin(`pin-sha256="E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g="`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pin)
	// Output: pin-sha256="E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g="
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

// A cipher string from an nginx or Apache configuration becomes the list
// of suites OpenSSL would use, in OpenSSL's order.
func ExampleParseOpenSSLCipherString() {
	suites, err := trust.ParseOpenSSLCipherString("ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:@STRENGTH")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range suites {
		fmt.Println(c.OpenSSLName(), c.GoSupported())
	}
	// Output:
	// ECDHE-ECDSA-AES256-GCM-SHA384 true
	// ECDHE-RSA-AES256-GCM-SHA384 true
	// ECDHE-ECDSA-CHACHA20-POLY1305 true
	// ECDHE-RSA-CHACHA20-POLY1305 true
	// ECDHE-ECDSA-AES128-GCM-SHA256 true
	// ECDHE-RSA-AES128-GCM-SHA256 true
}

// Unknown names are errors that say where they are, rather than being
// skipped as OpenSSL skips them.
func ExampleParseOpenSSLCipherString_error() {
	_, err := trust.ParseOpenSSLCipherString("ECDH+AESGCM:FOO")
	fmt.Println(err)
	fmt.Println(errors.Is(err, trust.ErrUnknownCipher))
	// Output:
	// trust: unknown cipher "FOO" at position 3 in "ECDH+AESGCM:FOO"
	// true
}

// Keep only the suites that Go's crypto/tls implements, for instance
// before building a configuration from a cipher string that also names
// DHE or Camellia suites.
func ExampleCipherSuite_GoSupported() {
	suites, _ := trust.ParseOpenSSLCipherString("ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256:CAMELLIA128-SHA")
	var usable []trust.CipherSuite
	for _, c := range suites {
		if c.GoSupported() {
			usable = append(usable, c)
		}
	}
	fmt.Println(usable)
	// Output:
	// [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
}

func ExampleCipherSuite_String() {
	fmt.Println(trust.TLS_AES_128_GCM_SHA256)
	fmt.Println(trust.CipherSuite(0xC02F))
	fmt.Println(trust.CipherSuite(0x00FF)) // a raw value outside the table
	// Output:
	// TLS_AES_128_GCM_SHA256
	// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	// CipherSuite(0x00FF)
}

func ExampleCipherSuiteByOpenSSLName() {
	c, ok := trust.CipherSuiteByOpenSSLName("ECDHE-ECDSA-AES256-GCM-SHA384")
	fmt.Println(c, ok)
	fmt.Printf("0x%04X %s %s %d AEAD=%t\n", uint16(c), c.KeyExchange(), c.Authentication(), c.Bits(), c.IsAEAD())
	// Output:
	// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 true
	// 0xC02C ECDHE ECDSA 256 AEAD=true
}

func ExampleCipherSuiteByName() {
	c, ok := trust.CipherSuiteByName("TLS_CHACHA20_POLY1305_SHA256")
	fmt.Println(uint16(c) == 0x1303, ok, c.IsTLS13(), c.OpenSSLName())
	// Output:
	// true true true TLS_CHACHA20_POLY1305_SHA256
}
