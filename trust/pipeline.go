package trust

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The decisions the Verifier makes after the store's own verdict, the same
// for every store: max depth, the profile checks (default or strict) and
// the explicit CRLs, on every chain the store returned.

// PlatformAnchorer is implemented by trust stores that can say whether an
// anchor at the top of a chain they returned is trusted by the operating
// system itself (a root of the distribution's bundle or p11-kit
// configuration, the Windows ROOT stores, the macOS system and admin trust
// settings) rather than supplied by the program. For such anchors the
// Verifier skips the profile checks of the anchor's own extensions (key
// identifiers, basicConstraints criticality, authorityKeyIdentifier form,
// EKU): the OS's decision to trust the root stands. Every other check still
// applies to chains ending at it. A store that does not implement it has
// every anchor checked as if a program supplied it.
type PlatformAnchorer interface {
	// IsPlatformAnchor reports whether anchor is trusted by the OS itself.
	IsPlatformAnchor(anchor *x509.Certificate) bool
}

// applyPolicy runs max depth, the profile checks and the explicit CRLs on
// each chain the store accepted and keeps the chains that pass. When none
// does, the first chain's failure is returned.
func applyPolicy(store TrustStore, chains [][]*x509.Certificate, presented []*x509.Certificate, opts VerifyOptions, now time.Time) ([][]*x509.Certificate, error) {
	opts.Time = now
	pa, _ := store.(PlatformAnchorer)
	var ok [][]*x509.Certificate
	var first error
	for _, ch := range chains {
		err := policyFor(ch, opts, now, pa)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		ok = append(ok, ch)
	}
	if len(ok) > 0 {
		return ok, nil
	}
	if first == nil {
		first = &VerificationError{Reason: ReasonUnknown, Certificate: presented[0],
			Detail: "the trust store " + store.String() + " accepted the chain but returned no verified chain"}
	}
	return nil, completeError(first, presented, opts, now, store.String())
}

// policyFor is applyPolicy for one chain.
func policyFor(ch []*x509.Certificate, opts VerifyOptions, now time.Time, pa PlatformAnchorer) error {
	if i := nilIndex(ch); len(ch) == 0 || i >= 0 {
		return &VerificationError{Reason: ReasonMalformed, Depth: -1,
			Detail: fmt.Sprintf("the trust store returned a verified chain with a missing certificate (position %d)", i)}
	}
	platform := pa != nil && pa.IsPlatformAnchor(ch[len(ch)-1])
	if err := checkChain(ch, opts, platform); err != nil {
		return err
	}
	if ve := checkCRLs(ch, opts, now); ve != nil {
		return ve
	}
	return nil
}

// nilIndex returns the index of the first nil certificate of chain, or -1.
func nilIndex(chain []*x509.Certificate) int {
	for i, c := range chain {
		if c == nil {
			return i
		}
	}
	return -1
}

// normalizeServerName strips one trailing dot from a DNS name
// ("example.com." is the fully qualified spelling of "example.com"; Go's
// crypto/x509 and browsers treat them alike, Windows' SSL policy does not).
// A name with two trailing dots, or "." alone, is left as it is, so it
// still fails the name check rather than turning into no name at all.
func normalizeServerName(name string) string {
	trimmed, ok := strings.CutSuffix(name, ".")
	if !ok || trimmed == "" || strings.HasSuffix(trimmed, ".") {
		return name
	}
	return trimmed
}

// missingIssuerReason tells "the peer forgot its chain" from "an unknown
// CA" for a certificate c whose issuer was not found: the peer sent only
// its leaf, the leaf is not self-issued and names where its issuer can be
// fetched (an AIA caIssuers URL, as certificates under public and
// enterprise intermediates do) — then an intermediate is missing. A leaf
// alone without such a URL is typically issued straight by a private root
// (`openssl x509 -req -CA`), which the store does not trust.
func missingIssuerReason(c *x509.Certificate, presented []*x509.Certificate) Reason {
	if len(presented) == 1 && c != nil && c.Equal(presented[0]) && !isSelfIssued(c) && len(c.IssuingCertificateURL) > 0 {
		return ReasonMissingIntermediate
	}
	return ReasonUnknownAuthority
}

// refineMissingIssuer applies missingIssuerReason to a store's
// unknown-authority or missing-intermediate verdict, so every backend
// names the two cases alike.
func refineMissingIssuer(err error, presented []*x509.Certificate) error {
	var ve *VerificationError
	if !errors.As(err, &ve) || (ve.Reason != ReasonUnknownAuthority && ve.Reason != ReasonMissingIntermediate) {
		return err
	}
	if len(presented) != 1 || (ve.Certificate != nil && !ve.Certificate.Equal(presented[0])) {
		return err
	}
	ve.Reason = missingIssuerReason(presented[0], presented)
	return err
}
