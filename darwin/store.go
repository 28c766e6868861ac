package darwin

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// Store is the macOS trust store that System and WithRoots return: a
// verifier that asks Security.framework (SecTrustEvaluateWithError), so a
// chain is accepted exactly when Safari and Keychain Access would accept
// it; extra roots from WithRoots are trusted in addition to the system's.
// Every Verify asks the OS afresh. A Store is immutable and safe for
// concurrent use.
type Store struct {
	extra []*x509.Certificate
}

// Compile-time conformance.
var (
	_ trust.TrustStore     = (*Store)(nil)
	_ trust.AnchorLister   = (*Store)(nil)
	_ trust.SourceReporter = (*Store)(nil)
)

// System returns the macOS system trust store. On other operating systems
// it returns ErrUnsupported.
func System() (trust.TrustStore, error) {
	if err := available(); err != nil {
		return nil, err
	}
	return &Store{}, nil
}

// WithRoots returns the system trust store with extra roots trusted in
// addition to the system's (SecTrustSetAnchorCertificates followed by
// SecTrustSetAnchorCertificatesOnly(false)).
func WithRoots(extra ...*x509.Certificate) (trust.TrustStore, error) {
	if err := available(); err != nil {
		return nil, err
	}
	return (&Store{}).withRoots(extra...), nil
}

// withRoots returns a copy of s that also trusts extra. Nil entries are
// ignored.
func (s *Store) withRoots(extra ...*x509.Certificate) *Store {
	n := &Store{extra: append([]*x509.Certificate(nil), s.extra...)}
	for _, c := range extra {
		if c != nil {
			n.extra = append(n.extra, c)
		}
	}
	return n
}

// String names the store for messages.
func (s *Store) String() string {
	if len(s.extra) == 0 {
		return "macOS trust (Security.framework)"
	}
	return fmt.Sprintf("macOS trust (Security.framework) plus %d extra root(s)", len(s.extra))
}

// Verify implements trust.TrustStore with SecTrustEvaluateWithError. It
// returns one chain, the one the OS built (leaf first, ending at the
// anchor). If ctx ends first, Verify returns its error while the OS call
// finishes in the background.
func (s *Store) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	if len(chain) == 0 || chain[0] == nil {
		return nil, &trust.VerificationError{Reason: trust.ReasonMalformed, Depth: -1, Host: opts.ServerName,
			Detail: "the peer presented no certificate", Backend: backendName}
	}
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	plan := planVerify(chain, s.extra, opts)
	res, err := runWithContext(ctx, func() (evalResult, error) { return evaluate(&plan) })
	if err != nil {
		return nil, &trust.VerificationError{Reason: trust.ReasonUnknown, Certificate: chain[0], Depth: 0, Host: opts.ServerName,
			Time: now, IntermediatesSent: len(chain) - 1, Backend: backendName, Err: err}
	}
	built, perr := parseAll(res.Chain)
	if !res.Trusted {
		return nil, classifyFailure(res.Failure, chain, built, opts, now)
	}
	if perr != nil || len(built) == 0 {
		return nil, &trust.VerificationError{Reason: trust.ReasonMalformed, Certificate: chain[0], Depth: 0, Host: opts.ServerName,
			Time: now, IntermediatesSent: len(chain) - 1, Backend: backendName, Err: perr,
			Detail: "the chain the system built could not be read back"}
	}
	if ve := postChecks(built, chain, opts, now, plan.Policy); ve != nil {
		return nil, ve
	}
	return [][]*x509.Certificate{built}, nil
}

func parseAll(ders [][]byte) ([]*x509.Certificate, error) {
	out := make([]*x509.Certificate, 0, len(ders))
	for _, d := range ders {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Anchors lists the system roots and the certificates of the admin and
// user trust-settings domains that trustd treats as anchors, with the
// purposes their settings allow and their distrust, then the extra roots.
// Certificates whose settings do not make them anchors (Unspecified, a
// TrustRoot on a certificate that is not self-signed, …) are not listed:
// they are trusted only by chaining to an anchor. Entries that could not
// be read are reported by Sources.
func (s *Store) Anchors(ctx context.Context) ([]trust.Anchor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	certs, _, err := readTrustSettings()
	if err != nil {
		return nil, err
	}
	anchors := buildAnchors(certs, currentPrecedence())
	for _, c := range s.extra {
		anchors = append(anchors, trust.Anchor{Certificate: c, Source: "darwin:extra-roots"})
	}
	return anchors, nil
}

// Sources reports what each trust-settings domain gave (for doctor).
func (s *Store) Sources() []trust.SourceReport {
	_, reports, err := readTrustSettings()
	if err != nil {
		return []trust.SourceReport{{Name: "darwin", Path: "Security.framework", Err: err}}
	}
	if len(s.extra) > 0 {
		reports = append(reports, trust.SourceReport{Name: "extra-roots", Path: "WithRoots", Anchors: len(s.extra)})
	}
	return reports
}

// buildAnchors turns per-certificate trust settings into anchors, the
// admin and user domains ordered by prec.
func buildAnchors(certs []certSettings, prec domainPrecedence) []trust.Anchor {
	var out []trust.Anchor
	seen := map[[32]byte]bool{}
	for _, cs := range certs {
		sum := sha256.Sum256(cs.DER)
		if seen[sum] {
			continue
		}
		seen[sum] = true
		c, err := x509.ParseCertificate(cs.DER)
		if err != nil {
			continue // counted as unreadable by the source report
		}
		if d := decideAnchor(cs, prec); d.Anchor {
			out = append(out, trust.Anchor{Certificate: c, Source: d.Source.source(), Purposes: d.Purposes, Distrusted: d.Distrust, Platform: true})
		}
	}
	return out
}

// mergeSettings collects per-domain settings of the same certificate into
// one certSettings each, in first-seen order.
func mergeSettings(entries []domainEntry) []certSettings {
	idx := map[[32]byte]int{}
	var out []certSettings
	for _, e := range entries {
		sum := sha256.Sum256(e.DER)
		i, ok := idx[sum]
		if !ok {
			i = len(out)
			idx[sum] = i
			out = append(out, certSettings{DER: e.DER, SelfSigned: selfSignedDER(e.DER), Domains: map[Domain][]trustSetting{}})
		}
		s := e.Settings
		if s == nil {
			s = []trustSetting{}
		}
		out[i].Domains[e.Domain] = s
	}
	return out
}

// domainEntry is one certificate of one domain as the FFI layer read it.
type domainEntry struct {
	Domain   Domain
	DER      []byte
	Settings []trustSetting
}

func selfSignedDER(der []byte) bool {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return false
	}
	return isSelfSigned(c)
}

// FetchesIntermediates reports that SecTrust fetches missing intermediates
// itself when network fetching is allowed (not with
// VerifyOptions.DisableFetch), so trust.Verifier does not fetch them a
// second time.
func (s *Store) FetchesIntermediates() bool { return true }

var _ trust.SelfFetchingStore = (*Store)(nil)

var _ trust.PlatformAnchorer = (*Store)(nil)

// IsPlatformAnchor implements trust.PlatformAnchorer: an anchor at the top
// of a chain Verify returned is trusted by macOS itself (Apple's root
// store, or admin or user trust settings) unless it is one of the extra
// roots given to WithRoots, which keep every profile check.
func (s *Store) IsPlatformAnchor(anchor *x509.Certificate) bool {
	if anchor == nil {
		return false
	}
	for _, c := range s.extra {
		if c.Equal(anchor) {
			return false
		}
	}
	return true
}
