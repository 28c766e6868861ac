package trust

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// isSelfIssued reports whether c's issuer and subject names are equal.
func isSelfIssued(c *x509.Certificate) bool { return profile.IsSelfIssued(c) }
