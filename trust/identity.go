package trust

// IdentitySource supplies a server's certificate chain and key when they may
// change while the server runs (rotated files, a replaced token object);
// package native's IdentityWatcher is one. Servers ask at every handshake, so
// Identity must be cheap and not block on I/O (load in the background, hand
// out the last result), and must never pair a certificate with a key it does
// not belong to.
type IdentitySource interface {
	// Identity returns the current chain (leaf first) with its key.
	Identity() (CertificateChain, error)
	// Generation identifies the current identity; it changes whenever
	// Identity's result does.
	Generation() uint64
}

// WithIdentitySource returns a copy whose server identity comes from src,
// asked at every handshake, so a rotated certificate is served without
// rebuilding the context. Chains given with WithCertificateChain are still
// offered to clients that cannot use src's chain (say an RSA fallback); nil
// removes the source.
func (c Configuration) WithIdentitySource(src IdentitySource) Configuration {
	c.identity = src
	return c
}

// IdentitySource returns the server identity source (nil for none).
func (c Configuration) IdentitySource() IdentitySource { return c.identity }

func sameIdentitySource(a, b IdentitySource) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameComparable(a, b)
}

func sameClientIDs(a, b ClientIdentitySource) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameComparable(a, b)
}
