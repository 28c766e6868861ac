package native

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// ErrNoSecretStore is returned (wrapped) by a "keychain:" password source
// when this OS or build has no secret store the package can use, or the
// store cannot be reached (no D-Bus session, no keyring daemon).
var ErrNoSecretStore = errors.New("native: the OS secret store is not available")

// PasswordError reports a password or PIN source that could not be read.
type PasswordError struct {
	Source string // the source as given, with a literal password masked
	Err    error
}

func (e *PasswordError) Error() string {
	return fmt.Sprintf("native: password source %q: %v", e.Source, e.Err)
}

// Unwrap returns the cause.
func (e *PasswordError) Unwrap() error { return e.Err }

// PasswordSource turns a password or PIN source into a trust.PasswordFunc.
// The forms, shared by files, PKCS#12 bundles, PKCS#11 PINs and OS stores:
//
//	pass:TEXT               the literal TEXT (visible in process listings: prefer the others)
//	env:VAR                 the value of environment variable VAR
//	file:PATH               the first line of the file at PATH (a trailing newline is removed)
//	keychain:SERVICE/ACCOUNT the OS secret store: the macOS keychain's generic
//	                        password (security add-generic-password -s SERVICE -a ACCOUNT)
//	                        or, on Linux, the Secret Service item with attributes
//	                        service=SERVICE account=ACCOUNT
//	                        (secret-tool store --label=x service SERVICE account ACCOUNT)
//
// A callback is a trust.PasswordFunc itself (WithPassword). The source is
// read only when a password is needed, each time it is needed.
func PasswordSource(spec string) (trust.PasswordFunc, error) {
	kind, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return nil, &PasswordError{Source: maskSecret(spec), Err: errors.New("expected pass:TEXT, env:VAR, file:PATH or keychain:SERVICE/ACCOUNT")}
	}
	switch kind {
	case "pass":
		return trust.Password(rest), nil
	case "env":
		if rest == "" {
			return nil, &PasswordError{Source: spec, Err: errors.New("no variable name after env:")}
		}
		return func() ([]byte, error) {
			v, ok := os.LookupEnv(rest)
			if !ok {
				return nil, &PasswordError{Source: spec, Err: fmt.Errorf("environment variable %s is not set", rest)}
			}
			return []byte(v), nil
		}, nil
	case "file":
		if rest == "" {
			return nil, &PasswordError{Source: spec, Err: errors.New("no path after file:")}
		}
		return func() ([]byte, error) {
			data, err := os.ReadFile(rest)
			if err != nil {
				return nil, &PasswordError{Source: spec, Err: err}
			}
			line, _, _ := bytes.Cut(data, []byte("\n"))
			return bytes.TrimSuffix(line, []byte("\r")), nil
		}, nil
	case "keychain":
		service, account, ok := strings.Cut(rest, "/")
		if !ok || service == "" || account == "" {
			return nil, &PasswordError{Source: spec, Err: errors.New("expected keychain:SERVICE/ACCOUNT")}
		}
		return func() ([]byte, error) {
			pw, err := secretStorePassword(service, account)
			if err != nil {
				return nil, &PasswordError{Source: spec, Err: err}
			}
			return pw, nil
		}, nil
	}
	return nil, &PasswordError{Source: maskSecret(spec), Err: fmt.Errorf("unknown password source %q (use pass:, env:, file: or keychain:)", kind+":")}
}

// maskSecret hides what may be a literal password in messages.
func maskSecret(spec string) string {
	if strings.HasPrefix(spec, "pass:") || !strings.Contains(spec, ":") {
		return "pass:***"
	}
	return spec
}
