package windows

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// The exported API of the trust store, written once for every OS: on
// Windows the unexported functions it calls ask CryptoAPI; elsewhere
// (platform_other.go) they report ErrUnsupported.

// System returns the Windows system trust store: every verification asks
// the CryptoAPI chain engine of the current user and the SSL chain policy
// (see the package documentation). The value is a *Store holding no native
// handle, so Close is optional. On other operating systems it returns
// ErrUnsupported.
//
// There is no Reload: every Verify asks the chain engine, which notices
// store changes by itself (Wine's reads the ROOT store once per process),
// and Anchors and Sources read the stores when called. The store is not
// trust.Generational, so trust.Verifier's cache never keeps a verdict of
// it across a store change.
func System() (trust.TrustStore, error) {
	// No polling either: Windows' default engine sees a root installed
	// while the process runs at the next Verify (as Go's crypto/x509 relies
	// on too), and the Disallowed stores are read again by every Verify. A
	// WithRoots engine's root collection is opened when WithRoots is called.
	if err := available(); err != nil {
		return nil, err
	}
	return &Store{name: "Windows system trust (CryptoAPI)"}, nil
}

// WithRoots returns the system trust store plus extra roots. Verification
// asks the OS default engine first; only when the chain it built does not
// reach a trusted root is the chain rebuilt by a custom chain engine
// (CertCreateCertificateChainEngine) whose hExclusiveRoot is a collection
// of the system ROOT and AuthRoot stores of both locations and an
// in-memory store with extra. The Disallowed stores still apply. The value
// is a *Store: call Close to free the engine. With no extra roots it is
// System. On other operating systems it returns ErrUnsupported.
//
// An extra certificate that is not self-signed (an intermediate) is an
// anchor only where the OS supports CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG
// (Windows 8 and later); on Windows 7 and under Wine only self-signed extra
// roots anchor a chain, and [Store.CAAnchors] reports false. The engine
// bounds its own intermediate fetching by URLRetrievalTimeout. The custom
// engine's view of the system roots is fixed when WithRoots is called;
// call it again (and Close the old store) to see later changes there.
func WithRoots(extra ...*x509.Certificate) (trust.TrustStore, error) {
	if err := available(); err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return System()
	}
	s := &Store{name: fmt.Sprintf("Windows system trust (CryptoAPI) plus %d extra roots", len(extra)), extra: append([]*x509.Certificate(nil), extra...)}
	if err := s.buildEngine(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Verify implements trust.TrustStore: CertGetCertificateChain over an
// in-memory store holding chain[1:], then CertVerifyCertificateChainPolicy
// on the best chain and, if it fails, on each lower-quality chain the
// engine also returned. A store made by WithRoots asks the OS default
// engine first and, only if the chain that engine built did not reach a
// root it trusts (the chain's trust-status bits), its own engine with the
// extra roots. The Disallowed stores are checked on every chain the engine
// accepts, and every ECDSA signature of it is checked again with
// crypto/x509. With NATIVETLS_WINDOWS_TRACE=1 each call is traced (see
// TraceEnv).
func (s *Store) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, &trust.VerificationError{Reason: trust.ReasonMalformed, Depth: -1, Host: opts.ServerName,
			Detail: "the peer presented no certificate", Backend: backendName}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, errors.New("windows: the trust store is closed")
	}
	return s.verify(ctx, chain, opts)
}

// Close frees the store's chain engine and root stores. Verify fails after
// Close. Closing twice is harmless.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.freeEngine()
}

// Anchors implements trust.AnchorLister: the ROOT and AuthRoot stores of
// LocalMachine and CurrentUser (a certificate in both is listed once, under
// LocalMachine), then the Disallowed stores as Distrusted anchors. Purposes
// an administrator restricted a root to (certmgr "Enable only the following
// purposes", CERT_ENHKEY_USAGE_PROP_ID) become Anchor.Purposes; a root
// disabled for all purposes, or enabled only for purposes TLS never uses, is
// listed as Distrusted. Source is e.g. "windows:CurrentUser/ROOT". A store
// that cannot be opened is skipped (see Sources); an error is returned
// only if no store could be read.
func (s *Store) Anchors(ctx context.Context) ([]trust.Anchor, error) {
	anchors, _, err := listAnchors(ctx)
	for _, c := range s.extra {
		anchors = append(anchors, trust.Anchor{Certificate: c, Source: "windows:WithRoots"})
	}
	return anchors, err
}

// Sources implements trust.SourceReporter: one report per system store
// the store consults, with counts, and the extra roots of WithRoots. A
// store entry crypto/x509 cannot parse is named (by SHA-256) in its
// report's Err; in a Disallowed store it still distrusts a certificate with
// exactly its bytes.
func (s *Store) Sources() []trust.SourceReport {
	_, reports, _ := listAnchors(context.Background())
	if len(s.extra) > 0 {
		reports = append(reports, trust.SourceReport{Name: "windows:WithRoots", Path: "extra roots given to WithRoots", Anchors: len(s.extra)})
	}
	return reports
}

// ListStore returns the certificates of one system store, e.g.
// ListStore(CurrentUser, StoreRoot). Certificates Go cannot parse are
// skipped and reported in the error (the others are still returned).
func ListStore(loc Location, store string) ([]*x509.Certificate, error) {
	entries, err := listEntries(loc, store)
	certs := make([]*x509.Certificate, len(entries))
	for i, e := range entries {
		certs[i] = e.cert
	}
	return certs, err
}

// FindCertificates returns the certificates of a system store that a capi:
// URI names (see ParseCAPIURI), without touching private keys: e.g.
// "capi:store-location=machine;store=Root;cn=Corp Root CA". It is an error
// (wrapping ErrNotFound) if none matches.
func FindCertificates(uri string) ([]*x509.Certificate, error) {
	u, err := ParseCAPIURI(uri)
	if err != nil {
		return nil, err
	}
	certs, err := ListStore(u.Location, u.Store)
	if err != nil && len(certs) == 0 {
		return nil, err
	}
	var out []*x509.Certificate
	for _, c := range certs {
		if u.Matches(c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, &StoreError{Op: "find " + u.String() + " in", Location: u.Location, Store: u.Store, Err: ErrNotFound}
	}
	return out, nil
}

// intermediates lists the intermediate CA stores (CA of LocalMachine and
// CurrentUser) as anchors with Source "windows:<Location>/CA". They are
// not trust anchors: the chain engine uses them to complete chains.
func intermediates(ctx context.Context) ([]trust.Anchor, error) {
	var out []trust.Anchor
	var errs []error
	for _, loc := range []Location{LocalMachine, CurrentUser} {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		certs, err := ListStore(loc, StoreCA)
		if err != nil && !storeMissing(err) {
			errs = append(errs, err)
		}
		for _, c := range certs {
			out = append(out, trust.Anchor{Certificate: c, Source: Source(loc, StoreCA)})
		}
	}
	return out, errors.Join(errs...)
}

// storeEntry is a certificate of a store with its enabled purposes
// (CERT_ENHKEY_USAGE_PROP_ID), when the store restricts them.
type storeEntry struct {
	cert     *x509.Certificate
	purposes []trust.Usage
	disabled bool // the property is present and empty: disabled for all purposes
}

// storeMissing reports an open that failed because the store does not
// exist (ERROR_FILE_NOT_FOUND): a fresh profile has no Disallowed store,
// which means nothing is distrusted.
func storeMissing(err error) bool {
	var se *StoreError
	return errors.As(err, &se) && se.Op == "open" && (se.Code == 2 || se.Code == 0x80070002)
}
