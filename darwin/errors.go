package darwin

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// Sentinel errors, usable with errors.Is on the errors this package returns.
var (
	// ErrUnsupported is returned by every function on an operating system
	// other than macOS, and for key types or signing options that
	// Security.framework cannot do. It wraps trust.ErrUnsupported, so
	// errors.Is matches either.
	ErrUnsupported error = unsupportedError{}
	// ErrNotFound means no keychain item (identity, certificate, trust
	// setting, keychain) matched (errSecItemNotFound and friends).
	ErrNotFound = errors.New("darwin: not found")
	// ErrAmbiguous means a mackms: URI matched more than one identity; add
	// hash= (or tag=) to pick one.
	ErrAmbiguous = errors.New("darwin: URI matches more than one identity")
	// ErrDuplicate means the item already exists (errSecDuplicateItem).
	ErrDuplicate = errors.New("darwin: item already exists")
	// ErrAuthFailed means the keychain or the authorization system refused
	// the operation (errSecAuthFailed, errAuthorizationDenied).
	ErrAuthFailed = errors.New("darwin: authorization failed")
	// ErrInteractionNotAllowed means the operation needs a user prompt
	// (keychain unlock, trust-settings change) and none could be shown, as
	// in SSH sessions and CI jobs.
	ErrInteractionNotAllowed = errors.New("darwin: user interaction is required but not allowed")
	// ErrUserCanceled means the user dismissed the prompt.
	ErrUserCanceled = errors.New("darwin: canceled by the user")
	// ErrInvalidURI means a mackms: URI could not be parsed.
	ErrInvalidURI = errors.New("darwin: invalid mackms URI")
	// ErrClosed means a Key was used after Close.
	ErrClosed = errors.New("darwin: use of closed key")
	// ErrNotCA means Install was given a certificate that is neither a CA
	// nor self-signed, which would make a useless or dangerous anchor.
	ErrNotCA = errors.New("darwin: certificate is not a CA certificate")
)

// StatusError is a failed Security.framework call: the function, its
// OSStatus (or CFError) code and the system's description of it.
type StatusError struct {
	Op          string // the C function, e.g. "SecItemCopyMatching"
	Code        int64  // the OSStatus or CFError code
	Domain      string // the CFError domain, if the code came from a CFError
	Description string // the system's text (SecCopyErrorMessageString or CFErrorCopyDescription)
}

// Error returns "darwin: Op: errSecName (code): description".
func (e *StatusError) Error() string {
	s := fmt.Sprintf("darwin: %s: %s", e.Op, statusName(e.Code))
	if knownStatusName(e.Code) != "" {
		s += fmt.Sprintf(" (%d)", e.Code)
	}
	if e.Domain != "" && e.Domain != "NSOSStatusErrorDomain" {
		s += " in domain " + e.Domain
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is matches the sentinel that corresponds to the code (ErrNotFound for
// errSecItemNotFound, ErrInteractionNotAllowed for
// errSecInteractionNotAllowed, …).
func (e *StatusError) Is(target error) bool {
	s, ok := statusTable[e.Code]
	return ok && s.sentinel != nil && s.sentinel == target
}

// KeyError reports an identity or key that could not be opened or used,
// naming the mackms: URI.
type KeyError struct {
	URI string // the URI as given
	Op  string // "open", "sign", …
	Err error
}

// Error returns "darwin: cannot <op> key <uri>: cause".
func (e *KeyError) Error() string {
	return fmt.Sprintf("darwin: cannot %s key %q: %v", e.Op, e.URI, e.Err)
}

// Unwrap returns the cause.
func (e *KeyError) Unwrap() error { return e.Err }

// InstallError reports a failed Install or Uninstall, naming the certificate.
type InstallError struct {
	Op          string // "install" or "uninstall"
	Domain      Domain // the trust-settings domain changed (zero: the user's)
	Certificate *x509.Certificate
	Err         error
}

// Error returns a sentence naming the certificate and what to do.
func (e *InstallError) Error() string {
	name := "certificate"
	if e.Certificate != nil {
		name = fmt.Sprintf("certificate %q", certLabel(e.Certificate))
	}
	s := fmt.Sprintf("darwin: cannot %s %s in the %s trust settings: %v", e.Op, name, e.Domain, e.Err)
	switch {
	case e.Domain == DomainAdmin && (errors.Is(e.Err, ErrInteractionNotAllowed) || errors.Is(e.Err, ErrAuthFailed)):
		s += " (the admin trust settings need root: run with sudo)"
	case errors.Is(e.Err, ErrInteractionNotAllowed):
		s += " (changing trust settings needs a logged-in GUI session to confirm; run from Terminal on the Mac, or use `sudo security add-trusted-cert -d` for the admin domain)"
	case errors.Is(e.Err, ErrUserCanceled), errors.Is(e.Err, ErrAuthFailed):
		s += " (the change must be confirmed with the user's password)"
	}
	return s
}

// Unwrap returns the cause.
func (e *InstallError) Unwrap() error { return e.Err }

// certLabel names a certificate for messages: its common name, else its
// subject.
func certLabel(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

// unsupportedError is ErrUnsupported: "darwin: not supported", matching
// trust.ErrUnsupported with errors.Is.
type unsupportedError struct{}

func (unsupportedError) Error() string        { return "darwin: not supported" }
func (unsupportedError) Is(target error) bool { return target == trust.ErrUnsupported }
