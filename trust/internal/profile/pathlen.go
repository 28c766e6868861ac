package profile

import (
	"crypto/x509"
	"fmt"
)

// pathLenConstraint as RFC 5280 6.1.4 (l) and (m) define it: the number of
// non-self-issued intermediates that may follow a CA. crypto/x509 counts
// self-issued intermediates too (a CA's key-rollover certificates), so a
// chain it refuses for that reason is retried with the constraint lifted
// (trust/relax.go) and checked here.

// RelaxPathLen copies a certificate that has a pathLenConstraint, without
// it.
func RelaxPathLen(c *x509.Certificate) (*x509.Certificate, bool) {
	if !c.BasicConstraintsValid || c.MaxPathLen < 0 || (c.MaxPathLen == 0 && !c.MaxPathLenZero) {
		return nil, true
	}
	cp := *c
	cp.MaxPathLen, cp.MaxPathLenZero = -1, false
	return &cp, true
}

// CheckPathLen enforces every pathLenConstraint of chain (leaf first),
// counting only non-self-issued intermediates below each CA.
func CheckPathLen(chain []*x509.Certificate) (*x509.Certificate, string) {
	for i := 1; i < len(chain); i++ {
		ca := chain[i]
		if !ca.BasicConstraintsValid || ca.MaxPathLen < 0 || (ca.MaxPathLen == 0 && !ca.MaxPathLenZero) {
			continue
		}
		n := 0
		for j := 1; j < i; j++ {
			if !IsSelfIssued(chain[j]) {
				n++
			}
		}
		if n > ca.MaxPathLen {
			return ca, fmt.Sprintf("its pathLenConstraint allows %d intermediate certificate(s) below it and the chain has %d (RFC 5280 4.2.1.9)", ca.MaxPathLen, n)
		}
	}
	return nil, ""
}
