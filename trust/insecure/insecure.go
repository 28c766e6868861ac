// Package insecure holds the options that turn TLS security off. They live
// apart from package trust (as PEP 748 recommends) so that any use of them
// stands out in code review: importing this package is a statement that the
// program accepts connections an attacker can intercept.
package insecure

import (
	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/trust/internal/hook"
)

// WithoutCertificateValidation returns a copy of cfg that does not validate
// peer certificates at all: any certificate from anyone is accepted. Use it
// only for tests and for migration (see PEP 493). Backends that cannot
// honour it refuse the configuration when a context is created.
func WithoutCertificateValidation(cfg trust.Configuration) trust.Configuration {
	return hook.DisableValidation(cfg).(trust.Configuration)
}

// WithoutHostnameCheck returns a copy of cfg whose client contexts verify
// the server's chain but accept it for any host name. Anyone holding any
// certificate from a trusted CA can then impersonate the server. Prefer
// SPKI pins (Configuration.WithPins) when the name is not known.
func WithoutHostnameCheck(cfg trust.Configuration) trust.Configuration {
	return hook.DisableHostnameCheck(cfg).(trust.Configuration)
}
