//go:build !darwin

package darwin

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestUnsupportedElsewhere(t *testing.T) {
	if _, err := System(); !errors.Is(err, ErrUnsupported) || !errors.Is(err, trust.ErrUnsupported) {
		t.Errorf("System: %v", err)
	}
	if _, err := WithRoots(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("WithRoots: %v", err)
	}
	_, err := OpenKey("mackms:label=x", nil)
	var ke *KeyError
	if !errors.As(err, &ke) || !errors.Is(err, ErrUnsupported) || ke.URI != "mackms:label=x" {
		t.Errorf("OpenKey: %v", err)
	}
	if _, err := Certificates("mackms:label=x"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Certificates: %v", err)
	}
	if _, err := OpenKey("mackms:color=red", nil); !errors.Is(err, ErrInvalidURI) {
		t.Errorf("a bad URI is reported before the platform: %v", err)
	}
	p := newTestPKI(t)
	if _, err := Install(p.root, trust.InstallOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Install: %v", err)
	}
	if _, err := Install(p.leaf, trust.InstallOptions{}); !errors.Is(err, ErrNotCA) {
		t.Errorf("Install(leaf): %v", err)
	}
	if _, err := Uninstall(p.root, trust.InstallOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Uninstall: %v", err)
	}
	// A Store made by hand reports the platform error as a verification error.
	s := (&Store{}).withRoots(p.root)
	_, err = s.Verify(context.Background(), []*x509.Certificate{p.leaf, p.inter}, trust.VerifyOptions{ServerName: goodHost})
	var ve *trust.VerificationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrUnsupported) {
		t.Errorf("Verify: %v", err)
	}
	if _, err := s.Anchors(context.Background()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Anchors: %v", err)
	}
	if r := s.Sources(); len(r) != 1 || !errors.Is(r[0].Err, ErrUnsupported) {
		t.Errorf("Sources: %+v", r)
	}
	if _, err := s.Verify(context.Background(), nil, trust.VerifyOptions{}); err == nil {
		t.Error("empty chain accepted")
	}
}
