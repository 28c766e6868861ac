//go:build !windows

package windows

import (
	"context"
	"crypto"
	"crypto/x509"
	"io"

	"github.com/nativetls/nativetls/trust"
)

// On operating systems other than Windows every entry point reports
// ErrUnsupported; the portable logic (status mapping, decisions, URI
// parsing, install planning) still builds and is tested.

func available() error { return ErrUnsupported }

func (s *Store) verify(context.Context, []*x509.Certificate, trust.VerifyOptions) ([][]*x509.Certificate, error) {
	return nil, ErrUnsupported
}

func (s *Store) buildEngine() error { return ErrUnsupported }

func (s *Store) freeEngine() error { return nil }

func listAnchors(context.Context) ([]trust.Anchor, []trust.SourceReport, error) {
	return nil, nil, ErrUnsupported
}

func listEntries(Location, string) ([]storeEntry, error) { return nil, ErrUnsupported }

func applyStep(*x509.Certificate, string, installStep, bool) error { return ErrUnsupported }

func openKey(*CAPIURI, *KeyOptions) (*Key, error) { return nil, ErrUnsupported }

func (k *Key) sign([]byte, crypto.SignerOpts) ([]byte, error) { return nil, ErrUnsupported }

func (k *Key) decryptMsg(io.Reader, []byte, crypto.DecrypterOpts) ([]byte, error) {
	return nil, ErrUnsupported
}

func (k *Key) release() error { return nil }
