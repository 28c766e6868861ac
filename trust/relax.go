package trust

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// Some rules crypto/x509 applies more strictly than RFC 5280 (it counts
// self-issued intermediates against pathLenConstraint) or refuses to
// evaluate (name-constraint forms it does not implement). For those, the
// verification is retried on copies of the certificates with the rule
// relaxed, and the project applies the rule itself, correctly, to every
// chain crypto/x509 then builds. The copies keep their DER, so every
// signature is still checked by crypto/x509; the returned chains hold the
// original certificates.

// retryRelaxed re-runs crypto/x509 with relax applied to the presented
// certificates and, for an AnchorStore, to its anchors; post checks each
// resulting chain. handled is false when nothing could be relaxed.
func retryRelaxed(s *AnchorStore, chain []*x509.Certificate, vo x509.VerifyOptions, u Usage,
	relax profile.Relaxer, post func([]*x509.Certificate) (*x509.Certificate, string), reason Reason) (chains [][]*x509.Certificate, handled bool, err error) {
	originals := map[*x509.Certificate]*x509.Certificate{}
	get := func(c *x509.Certificate) (*x509.Certificate, bool) {
		cp, ok := relax(c)
		if !ok || cp == nil {
			return c, ok
		}
		originals[cp] = c
		return cp, true
	}
	leaf, ok := get(chain[0])
	if !ok {
		return nil, false, nil
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		r, ok := get(c)
		if !ok {
			return nil, false, nil
		}
		inter.AddCert(r)
	}
	vo.Intermediates = inter
	pool := x509.NewCertPool()
	anchorsRelaxed := false
	for _, a := range s.anchors {
		if a.Certificate != nil && a.TrustedFor(u) && !s.IsDistrusted(a.Certificate) {
			r, _ := get(a.Certificate) // one that cannot be relaxed stays as it is
			anchorsRelaxed = anchorsRelaxed || r != a.Certificate
			pool.AddCert(r)
		}
	}
	if anchorsRelaxed {
		vo.Roots = pool
	}
	if len(originals) == 0 {
		return nil, false, nil
	}
	chains, err = leaf.Verify(vo)
	if err != nil {
		return nil, true, err
	}
	var ok2 [][]*x509.Certificate
	var bad *x509.Certificate
	var msg string
	for _, ch := range chains {
		for i, c := range ch {
			if o, found := originals[c]; found {
				ch[i] = o
			}
		}
		if b, m := post(ch); b != nil {
			bad, msg = b, m
			continue
		}
		ok2 = append(ok2, ch)
	}
	if len(ok2) == 0 {
		return nil, true, &VerificationError{Reason: reason, Certificate: bad, Detail: msg}
	}
	return ok2, true, nil
}
