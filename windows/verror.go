package windows

import (
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// backendName is the Backend of the verification errors this package makes.
const backendName = "windows"

// builtChain is what the chain engine built, copied out of a
// CERT_CHAIN_CONTEXT: the first simple chain's certificates, leaf first,
// with each element's CERT_TRUST_STATUS.dwErrorStatus.
type builtChain struct {
	Certs []*x509.Certificate
	Bits  []uint32 // each element's dwErrorStatus
	Info  []uint32 // each element's dwInfoStatus
	Rev   []string // each element's revocation result, for the trace

	ChainBits, ChainInfo uint32 // the chain context's own CERT_TRUST_STATUS
}

// policyError turns a failed CertVerifyCertificateChainPolicy verdict
// (status code and the element it names, -1 if none) into a
// *trust.VerificationError about the right certificate.
func policyError(presented []*x509.Certificate, built builtChain, code uint32, elem int, opts trust.VerifyOptions) *trust.VerificationError {
	reason := statusReason(code)
	idx := blameElement(built, reason, elem)
	var cert *x509.Certificate
	if idx >= 0 && idx < len(built.Certs) {
		cert = built.Certs[idx]
	} else if len(presented) > 0 {
		cert = presented[0]
	}
	vt := opts.Time
	if vt.IsZero() {
		vt = time.Now()
	}
	if reason == trust.ReasonExpired && cert != nil && vt.Before(cert.NotBefore) {
		reason = trust.ReasonNotYetValid
	}
	if reason == trust.ReasonUnknownAuthority && missingIntermediate(presented, built) {
		reason = trust.ReasonMissingIntermediate
	}
	e := &trust.VerificationError{
		Reason:            reason,
		Certificate:       cert,
		Depth:             depthOf(presented, cert),
		Host:              opts.ServerName,
		Time:              opts.Time,
		IntermediatesSent: len(presented) - 1,
		Backend:           backendName,
		PlatformCode:      int64(code),
		PlatformCodeName:  statusCodeName(code),
		Err:               fmt.Errorf("CertVerifyCertificateChainPolicy returned %s", statusCodeName(code)),
	}
	if reason == trust.ReasonUnknown {
		e.Detail = "Windows rejected the chain with " + statusCodeName(code)
	}
	return e
}

// blameElement picks the chain element a failure is about: the first
// element whose trust bits explain the reason; for an unknown authority the
// top of the built chain; else the element the policy named; else the leaf.
func blameElement(built builtChain, r trust.Reason, elem int) int {
	if r == trust.ReasonUnknownAuthority && len(built.Certs) > 0 {
		return len(built.Certs) - 1
	}
	if mask := reasonBits(r); mask != 0 {
		for i, b := range built.Bits {
			if b&mask != 0 {
				return i
			}
		}
	}
	if elem >= 0 && elem < len(built.Certs) {
		return elem
	}
	return 0
}

// missingIntermediate reports the common server misconfiguration: only a
// leaf was sent, and the engine could not get past it.
func missingIntermediate(presented []*x509.Certificate, built builtChain) bool {
	if len(presented) != 1 || len(built.Certs) != 1 {
		return false
	}
	c := built.Certs[0]
	return string(c.RawIssuer) != string(c.RawSubject)
}

// depthOf is c's position in the presented chain, -1 if it is not there
// (or c is nil).
func depthOf(presented []*x509.Certificate, c *x509.Certificate) int {
	return slices.IndexFunc(presented, func(p *x509.Certificate) bool { return c != nil && p.Equal(c) })
}

// distrustSet holds the Disallowed stores' certificates, matched by the
// certificate's hash and by its public key (as trust.AnchorStore does).
type distrustSet struct {
	cert   map[[32]byte]string // SHA-256 of DER → source
	pubkey map[[32]byte]string // SHA-256 of SPKI → source
}

func newDistrustSet() *distrustSet {
	return &distrustSet{cert: map[[32]byte]string{}, pubkey: map[[32]byte]string{}}
}

func (d *distrustSet) add(c *x509.Certificate, source string) {
	d.cert[sha256.Sum256(c.Raw)] = source
	d.pubkey[sha256.Sum256(c.RawSubjectPublicKeyInfo)] = source
}

// addRaw distrusts exactly the certificate encoded as der: for entries
// crypto/x509 cannot parse, whose public key is unknown.
func (d *distrustSet) addRaw(der []byte, source string) {
	d.cert[sha256.Sum256(der)] = source
}

// check returns a distrust error for the first certificate of chain found
// in the set, or nil.
func (d *distrustSet) check(presented, chain []*x509.Certificate, opts trust.VerifyOptions) *trust.VerificationError {
	for _, c := range chain {
		src, ok := d.cert[sha256.Sum256(c.Raw)]
		if !ok {
			src, ok = d.pubkey[sha256.Sum256(c.RawSubjectPublicKeyInfo)]
		}
		if !ok {
			continue
		}
		const code = 0x800B0111 // TRUST_E_EXPLICIT_DISTRUST
		return &trust.VerificationError{
			Reason: trust.ReasonDistrusted, Certificate: c, Depth: depthOf(presented, c),
			Host: opts.ServerName, Time: opts.Time, IntermediatesSent: len(presented) - 1,
			Detail:  "it (or its public key) is in the " + src + " store",
			Backend: backendName, PlatformCode: code, PlatformCodeName: "TRUST_E_EXPLICIT_DISTRUST",
		}
	}
	return nil
}

// chainBuildError reports CertGetCertificateChain itself failing.
func chainBuildError(presented []*x509.Certificate, opts trust.VerifyOptions, api string, code uint32, err error) *trust.VerificationError {
	var leaf *x509.Certificate
	if len(presented) > 0 {
		leaf = presented[0]
	}
	return &trust.VerificationError{
		Reason: statusReason(code), Certificate: leaf, Depth: 0, Host: opts.ServerName, Time: opts.Time,
		IntermediatesSent: len(presented) - 1, Backend: backendName,
		PlatformCode: int64(code), PlatformCodeName: codeName(code),
		Detail: fmt.Sprintf("%s failed: %v", api, err), Err: err,
	}
}

// checkName matches the server name against the leaf with crypto/x509
// after the SSL policy accepted the chain, and reports a mismatch as Windows
// would, CERT_E_CN_NO_MATCH. For IP literals it is the only check (see
// policyServerName). For DNS names it is a second gate on top of the
// policy's own: Wine's SSL policy has been seen accepting a wrong DNS name
// for a leaf that also carries iPAddress subjectAltNames, and a verifier
// must never accept a certificate for a name it does not hold. The one
// difference from Windows is deliberate: Windows may fall back to the
// subject common name when a leaf has no DNS subjectAltName; crypto/x509
// (like every browser) does not, so neither do we.
func checkName(presented []*x509.Certificate, built builtChain, opts trust.VerifyOptions, p chainParams) *trust.VerificationError {
	host := normalizeHost(strings.TrimSuffix(strings.TrimPrefix(opts.ServerName, "["), "]"))
	if p.AuthType != authTypeServer || p.Policy != policySSL || host == "" || len(presented) == 0 {
		return nil
	}
	err := presented[0].VerifyHostname(host)
	if err == nil {
		return nil
	}
	ve := policyError(presented, built, 0x800B010F, 0, opts) // CERT_E_CN_NO_MATCH
	ve.Err = err
	return ve
}

// policyServerName is the name handed to the SSL policy: DNS names only.
// IP literals are matched by checkName instead, because the SSL policy's
// handling of iPAddress subjectAltNames differs between Windows versions
// (and Wine never matches them).
func policyServerName(host string) string {
	if isIPLiteral(host) {
		return ""
	}
	return normalizeHost(host)
}

// normalizeHost strips one trailing dot: the SSL policy does not match
// "example.com." against a certificate for example.com
// (CERT_E_CN_NO_MATCH), and a trailing dot only says the name is absolute
// (golang/go#59846). trust.Verifier strips it already; this is defence in
// depth for callers of Store.Verify. A name with two trailing dots, "."
// alone, or an IP address followed by a dot (not an IP literal) is left as
// it is and fails the name check.
func normalizeHost(host string) string {
	trimmed, ok := strings.CutSuffix(host, ".")
	if !ok || trimmed == "" || strings.HasSuffix(trimmed, ".") || net.ParseIP(trimmed) != nil {
		return host
	}
	return trimmed
}

func isIPLiteral(host string) bool {
	return net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")) != nil
}
