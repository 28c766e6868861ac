package native

import (
	"fmt"
	"slices"

	"github.com/nativetls/nativetls/trust"
)

// ParseOpenSSLCiphers turns an OpenSSL / nginx cipher string (for example
// "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL") into suites crypto/tls can honour,
// returning those it does not implement in dropped; the TLS 1.3 suites,
// which cipher strings never name, are appended. It is an error when
// nothing usable remains for TLS 1.2.
func ParseOpenSSLCiphers(s string) (suites, dropped []trust.CipherSuite, err error) {
	list, err := trust.ParseOpenSSLCipherString(s)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range list {
		switch {
		case c.IsTLS13():
			if !slices.Contains(goTLS13Suites, c) {
				dropped = append(dropped, c)
			}
		case c.GoSupported():
			suites = append(suites, c)
		default:
			dropped = append(dropped, c)
		}
	}
	if len(suites) == 0 {
		return nil, dropped, fmt.Errorf("native: cipher string %q selects no TLS 1.2 suite crypto/tls implements (it selected %d it does not)", s, len(dropped))
	}
	return append(suites, goTLS13Suites...), dropped, nil
}
