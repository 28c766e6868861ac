//go:build !windows

package windows

import (
	"context"
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// System returns the Windows system trust store; on this OS it returns
// ErrUnsupported.
func System() (trust.TrustStore, error) { return nil, ErrUnsupported }

// WithRoots returns the system trust store plus extra roots; on this OS it
// returns ErrUnsupported.
func WithRoots(extra ...*x509.Certificate) (trust.TrustStore, error) { return nil, ErrUnsupported }

// Verify implements trust.TrustStore; on this OS it returns ErrUnsupported.
func (s *Store) Verify(ctx context.Context, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	return nil, ErrUnsupported
}

// Anchors implements trust.AnchorLister; on this OS it returns ErrUnsupported.
func (s *Store) Anchors(ctx context.Context) ([]trust.Anchor, error) { return nil, ErrUnsupported }

// Sources implements trust.SourceReporter; on this OS it reports nothing.
func (s *Store) Sources() []trust.SourceReport { return nil }

// Close frees the store's chain engine.
func (s *Store) Close() error { return nil }

// Intermediates lists the CA stores; on this OS it returns ErrUnsupported.
func Intermediates(ctx context.Context) ([]trust.Anchor, error) { return nil, ErrUnsupported }

// ListStore lists one system store; on this OS it returns ErrUnsupported.
func ListStore(loc Location, store string) ([]*x509.Certificate, error) { return nil, ErrUnsupported }

func applyStep(*x509.Certificate, string, installStep, bool) error { return ErrUnsupported }

// OpenKey opens the CNG key of a certificate named by a capi: URI; on this
// OS it returns ErrUnsupported (after checking the URI).
func OpenKey(uri string) (*Key, error) {
	if _, err := ParseCAPIURI(uri); err != nil {
		return nil, err
	}
	return nil, ErrUnsupported
}

// FindCertificates finds certificates by capi: URI; on this OS it returns
// ErrUnsupported (after checking the URI).
func FindCertificates(uri string) ([]*x509.Certificate, error) {
	if _, err := ParseCAPIURI(uri); err != nil {
		return nil, err
	}
	return nil, ErrUnsupported
}
