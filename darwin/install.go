package darwin

import (
	"crypto/x509"
	"errors"
)

// Option adjusts Install and Uninstall.
type Option func(*options)

type options struct {
	keychain string
}

// WithKeychain makes Install add the certificate to the keychain file at
// path (and Uninstall delete it from there) instead of the default
// keychain. Trust settings are always the user's.
func WithKeychain(path string) Option { return func(o *options) { o.keychain = path } }

// settingSpec is one usage-constraints entry that Install writes.
type settingSpec struct {
	Policy policyKind
	Result TrustResult
}

// installSettings decides the trust settings Install writes for cert:
// trusted for TLS server authentication and for the basic X.509 policy,
// as a root (TrustRoot) when self-signed, else as an anchor (TrustAsRoot),
// the only result Security.framework accepts for a non-root.
func installSettings(cert *x509.Certificate) []settingSpec {
	r := ResultTrustAsRoot
	if isSelfSigned(cert) {
		r = ResultTrustRoot
	}
	return []settingSpec{{policySSLServer, r}, {policyBasic, r}}
}

// checkInstallable refuses certificates that should not become anchors.
func checkInstallable(cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("darwin: no certificate given")
	}
	if (cert.BasicConstraintsValid && cert.IsCA) || isSelfSigned(cert) {
		return nil
	}
	return ErrNotCA
}

// Install adds cert to the keychain (if it is not there yet) and trusts it
// in the user's trust settings for TLS servers and basic X.509
// (SecTrustSettingsSetTrustSettings), as Keychain Access's "Always Trust"
// does. macOS asks the user to confirm with their password; without a GUI
// session the error matches ErrInteractionNotAllowed. Errors are
// *InstallError values.
func Install(cert *x509.Certificate, opts ...Option) error {
	if err := checkInstallable(cert); err != nil {
		return &InstallError{Op: "install", Certificate: cert, Err: err}
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	if err := install(cert.Raw, installSettings(cert), o.keychain); err != nil {
		return &InstallError{Op: "install", Certificate: cert, Err: err}
	}
	return nil
}

// Uninstall removes cert's user trust settings
// (SecTrustSettingsRemoveTrustSettings) and deletes the certificate from
// the keychain. A certificate that had no user trust settings gives an
// error matching ErrNotFound.
func Uninstall(cert *x509.Certificate, opts ...Option) error {
	if cert == nil {
		return &InstallError{Op: "uninstall", Err: errors.New("darwin: no certificate given")}
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	if err := uninstall(cert.Raw, o.keychain); err != nil {
		return &InstallError{Op: "uninstall", Certificate: cert, Err: err}
	}
	return nil
}
