//go:build !darwin

package darwin

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// On operating systems other than macOS every entry point reports
// ErrUnsupported; the portable logic above still builds and is tested.

func available() error { return ErrUnsupported }

func evaluate(*verifyPlan) (evalResult, error) { return evalResult{}, ErrUnsupported }

func currentPrecedence() domainPrecedence { return adminWins }

func readTrustSettings() ([]certSettings, []trust.SourceReport, error) {
	return nil, nil, ErrUnsupported
}

// keyHandle has no platform key on this OS.
type keyHandle struct{}

func (*keyHandle) supports(string) bool                { return false }
func (*keyHandle) sign(string, []byte) ([]byte, error) { return nil, ErrUnsupported }
func (*keyHandle) close()                              {}

func openIdentity(*KeyURI) (*keyHandle, []*x509.Certificate, error) {
	return nil, nil, ErrUnsupported
}

func install([]byte, []settingSpec, installPlan) error { return ErrUnsupported }

func uninstall([]byte, installPlan) error { return ErrUnsupported }
