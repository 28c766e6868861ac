package native

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/trust"
)

// ErrNoSecretStore is returned (wrapped) by a "keychain:" password source
// when this OS or build has no secret store the package can use, or the
// store cannot be reached (no D-Bus session, no keyring daemon).
var ErrNoSecretStore = errors.New("native: the OS secret store is not available")

// PasswordError reports a password or PIN source that could not be read.
// It never shows a value that may be the secret itself.
type PasswordError struct {
	// Source is the source as given when it cannot be a secret
	// ("env:VAR", "file:PATH", "keychain:SERVICE/ACCOUNT"), "pass:***" for
	// a literal, and empty when the source was not understood (a mistyped
	// form or a bare value might be the password itself).
	Source string
	Err    error
}

func (e *PasswordError) Error() string {
	if e.Source == "" {
		return "native: password source: " + errtext.Bare("native", e.Err)
	}
	return fmt.Sprintf("native: password source %q: %s", e.Source, errtext.Bare("native", e.Err))
}

// MaxPasswordFile is the size cap of a "file:" password source: 64 KiB.
const MaxPasswordFile = 64 << 10

// passwordForms lists the forms, for messages.
const passwordForms = "pass:TEXT, env:VAR, file:PATH or keychain:SERVICE/ACCOUNT"

// ErrBarePassword is wrapped by the error for a password source without a
// form prefix ("/path/pin.txt" instead of "file:/path/pin.txt").
var ErrBarePassword error = errtext.New("native", "a password source needs a form prefix")

// ErrUnknownPasswordForm is wrapped by the error for a password source
// whose prefix is none of pass:, env:, file: or keychain:.
var ErrUnknownPasswordForm error = errtext.New("native", "unknown password source form")

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
	if !ok || isUserFile(spec) {
		return nil, barePassword(spec)
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
			data, err := safefile.Read(rest, MaxPasswordFile)
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
	return nil, unknownPasswordForm(kind)
}

// isUserFile reports whether spec names an existing file as it stands (a
// Windows path "C:\pin.txt" has a colon too).
func isUserFile(spec string) bool {
	st, err := os.Stat(spec)
	return err == nil && st.Mode().IsRegular()
}

// barePassword is the error for a source without a form. It names the
// value only when it is an existing file, which is a path, not a secret.
func barePassword(spec string) error {
	if isUserFile(spec) {
		return &PasswordError{Err: errtext.With(ErrBarePassword, fmt.Sprintf(": to read the password from the file %s, write file:%s (for a literal password, pass:PIN)", spec, spec))}
	}
	return &PasswordError{Err: errtext.With(ErrBarePassword, " (the value is not shown, as it may be the password): write file:/path/pin.txt to read a file, pass:PIN for a literal (visible in process listings), env:VAR or keychain:SERVICE/ACCOUNT")}
}

// unknownPasswordForm is the error for an unknown prefix. The prefix is
// not shown either: in "hunter2:TOPSECRET" it is part of the secret.
func unknownPasswordForm(kind string) error {
	for _, k := range []string{"pass", "env", "file", "keychain"} {
		if strings.EqualFold(kind, k) {
			return &PasswordError{Err: errtext.With(ErrUnknownPasswordForm, fmt.Sprintf(" (the value is not shown, as it may be the password): forms are lowercase; write %s:… (forms: %s)", k, passwordForms))}
		}
	}
	return &PasswordError{Err: errtext.With(ErrUnknownPasswordForm, " (the value is not shown, as it may be the password): use "+passwordForms)}
}
