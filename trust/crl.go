package trust

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"time"
)

// Revocation through CRLs given explicitly (VerifyOptions.CRLs). The store
// never downloads CRLs; the program passes the lists it wants consulted.

var oidExtCRLNumber = asn1.ObjectIdentifier{2, 5, 29, 20}

// crlStatus is the outcome of consulting the CRLs for one certificate.
type crlStatus int

const (
	crlNotCovered crlStatus = iota // no usable CRL from this issuer
	crlGood                        // a valid, current CRL does not list it
	crlRevoked                     // a valid CRL lists it
)

// checkCRLs consults opts.CRLs for every certificate of chain below the
// anchor. It fails when a certificate is revoked, when a CRL signed by an
// issuer of the chain is not a valid CRL (missing or critical cRLNumber,
// issuer without cRLSign), and, under hard-fail, when such a CRL is out of
// date.
func checkCRLs(chain []*x509.Certificate, opts VerifyOptions, now time.Time) *VerificationError {
	if len(opts.CRLs) == 0 || opts.Revocation == RevocationOff {
		return nil
	}
	for i := 0; i+1 < len(chain); i++ {
		st, crl, err := crlStatusOf(chain[i], chain[i+1], opts, now)
		if err != nil {
			return &VerificationError{Reason: ReasonRevocationUnknown, Certificate: chain[i], Depth: -1,
				Host: opts.ServerName, Time: now, IntermediatesSent: -1, Detail: err.Error(), Err: err}
		}
		if st == crlRevoked {
			return &VerificationError{Reason: ReasonRevoked, Certificate: chain[i], Depth: -1,
				Host: opts.ServerName, Time: now, IntermediatesSent: -1,
				Detail: fmt.Sprintf("serial %x is listed in the CRL issued %s", chain[i].SerialNumber, fmtTime(crl.ThisUpdate))}
		}
	}
	return nil
}

// crlStatusOf looks c up in the CRLs signed by issuer.
func crlStatusOf(c, issuer *x509.Certificate, opts VerifyOptions, now time.Time) (crlStatus, *x509.RevocationList, error) {
	st := crlNotCovered
	for _, crl := range opts.CRLs {
		if crl == nil || string(crl.RawIssuer) != string(issuer.RawSubject) {
			continue
		}
		if issuer.CheckSignature(crl.SignatureAlgorithm, crl.RawTBSRevocationList, crl.Signature) != nil {
			continue // same name, other key: not this issuer's list
		}
		if err := validateCRL(crl, issuer); err != nil {
			return st, crl, err
		}
		if now.Before(crl.ThisUpdate) || (!crl.NextUpdate.IsZero() && now.After(crl.NextUpdate)) {
			if opts.Revocation == RevocationHardFail {
				return st, crl, fmt.Errorf("the CRL of %q is not current (this update %s, next update %s)",
					issuerName(c), fmtTime(crl.ThisUpdate), fmtTime(crl.NextUpdate))
			}
			continue
		}
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber != nil && e.SerialNumber.Cmp(c.SerialNumber) == 0 {
				return crlRevoked, crl, nil
			}
		}
		st = crlGood
	}
	return st, nil, nil
}

// validateCRL applies RFC 5280 5.2.3 (cRLNumber present and non-critical)
// and 4.2.1.3 (issuer key usage includes cRLSign when present).
func validateCRL(crl *x509.RevocationList, issuer *x509.Certificate) error {
	found := false
	for _, e := range crl.Extensions {
		if e.Id.Equal(oidExtCRLNumber) {
			found = true
			if e.Critical {
				return fmt.Errorf("the CRL issued by %q marks its cRLNumber extension critical (RFC 5280 5.2.3); fix or remove this CRL", subjectName(issuer))
			}
		}
	}
	if !found {
		return fmt.Errorf("the CRL issued by %q has no cRLNumber extension (RFC 5280 5.2.3); fix or remove this CRL", subjectName(issuer))
	}
	if issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return fmt.Errorf("the CRL is signed by %q, whose key usage does not include cRLSign (RFC 5280 4.2.1.3)", subjectName(issuer))
	}
	return nil
}

// crlCoversLeaf reports whether a valid, current CRL vouches for the leaf
// of chain (used by the hard-fail revocation policy).
func crlCoversLeaf(chain []*x509.Certificate, opts VerifyOptions, now time.Time) bool {
	if len(chain) < 2 {
		return false
	}
	st, _, err := crlStatusOf(chain[0], chain[1], opts, now)
	return err == nil && st == crlGood
}
