package native

import (
	"crypto/tls"
	"fmt"
	"sync/atomic"

	"github.com/nativetls/nativetls/trust"
)

// identityCert serves a trust.IdentitySource's current chain to crypto/tls,
// converting it once per generation.
type identityCert struct {
	src   trust.IdentitySource
	cache atomic.Pointer[identityEntry]
}

type identityEntry struct {
	gen  uint64
	cert *tls.Certificate
	err  error
}

// useIdentitySource makes base ask src at every handshake. The current
// identity must be usable now: a server is never created with nothing to
// serve. Chains configured directly stay as the fallback for clients that
// cannot use src's (crypto/tls uses Certificates when GetCertificate
// returns none).
func useIdentitySource(backend string, base *tls.Config, src trust.IdentitySource) error {
	ic := &identityCert{src: src}
	c, err := ic.get()
	if err != nil {
		return &trust.ConfigurationError{Backend: backend, Field: "identity source", Msg: err.Error(), Err: err}
	}
	if m, ok := c.PrivateKey.(tlsVersionLimiter); ok {
		v, err := m.MaxTLSVersion(base.MinVersion, base.MaxVersion)
		if err != nil {
			return &trust.ConfigurationError{Backend: backend, Field: "identity source", Msg: err.Error(), Err: err}
		}
		if len(base.Certificates) == 0 {
			base.MaxVersion = v
		}
	}
	fallback := len(base.Certificates) > 0
	base.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		c, err := ic.get()
		if err != nil {
			if fallback {
				return nil, nil
			}
			return nil, err
		}
		if fallback && hello.SupportsCertificate(c) != nil {
			return nil, nil
		}
		return c, nil
	}
	return nil
}

// get returns the tls.Certificate of the source's current generation. The
// generation is read before the identity, so an entry is never older than
// its generation says (at worst it is converted once more).
func (ic *identityCert) get() (*tls.Certificate, error) {
	gen := ic.src.Generation()
	if e := ic.cache.Load(); e != nil && e.gen == gen {
		return e.cert, e.err
	}
	e := &identityEntry{gen: gen}
	chain, err := ic.src.Identity()
	if err == nil {
		var c tls.Certificate
		if c, err = tlsCertificate(chain); err == nil {
			e.cert = &c
		}
	}
	if err != nil {
		e.err = fmt.Errorf("native: the identity source has no usable identity: %w", err)
	}
	ic.cache.Store(e)
	return e.cert, e.err
}
