package trust_test

import (
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

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
