package pkcs11

import (
	"errors"
	"fmt"
	"strings"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// Sentinel errors, usable with errors.Is on every error this package
// returns.
var (
	// ErrPINIncorrect means the token rejected the PIN (CKR_PIN_INCORRECT).
	// It is never retried, so a token is never locked by this package.
	ErrPINIncorrect = errors.New("pkcs11: PIN incorrect")
	// ErrPINLocked means the token's user PIN is locked (CKR_PIN_LOCKED).
	ErrPINLocked = errors.New("pkcs11: PIN locked")
	// ErrPINRequired means the token needs a login and no PIN source was
	// given (no pin-value, pin-source, or Options.PIN callback).
	ErrPINRequired = errors.New("pkcs11: PIN required")
	// ErrKeyNotFound means no private key matched the URI.
	ErrKeyNotFound = errors.New("pkcs11: key not found")
	// ErrCertificateNotFound means no certificate matched the key or URI.
	ErrCertificateNotFound = errors.New("pkcs11: certificate not found")
	// ErrAmbiguous means several tokens or objects matched where one was
	// needed.
	ErrAmbiguous = errors.New("pkcs11: URI matches more than one object")
	// ErrTokenNotFound means no token in the module matched the URI.
	ErrTokenNotFound = errors.New("pkcs11: token not found")
	// ErrTokenNotPresent means the token was removed (CKR_TOKEN_NOT_PRESENT,
	// CKR_DEVICE_REMOVED) and did not come back.
	ErrTokenNotPresent = errors.New("pkcs11: token not present")
	// ErrModuleInUse means the module is already initialized in this
	// process with different initialization arguments.
	ErrModuleInUse = errors.New("pkcs11: module already initialized with other arguments")
	// ErrModuleNotFound means the module could not be found or loaded.
	ErrModuleNotFound = errors.New("pkcs11: module not found")
	// ErrUnsupported means the key type, mechanism or signing options are
	// not supported by the token or by this package.
	ErrUnsupported = errors.New("pkcs11: unsupported")
	// ErrClosed means the Module or Key was closed.
	ErrClosed = errors.New("pkcs11: use of closed handle")
	// ErrInvalidURI means a pkcs11: URI could not be parsed.
	ErrInvalidURI = errors.New("pkcs11: invalid URI")
	// ErrSessionLost means a session died (closed, logged out, token
	// removed) and could not be recovered by one retry.
	ErrSessionLost = errors.New("pkcs11: session lost")
)

// Error is a PKCS#11 failure: the function that failed, its CK_RV code,
// and which module, token and object it was about.
type Error struct {
	Op     string // the PKCS#11 function, e.g. "C_Sign"
	Code   uint   // the CK_RV value
	Module string // module path
	Token  string // token label, if known
	Object string // object label or URI, if known
}

// Error returns "pkcs11: C_Login on token "web" (module /x.so): CKR_PIN_INCORRECT (0xA0): the PIN is wrong; ...".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pkcs11: ")
	b.WriteString(e.Op)
	if e.Object != "" {
		fmt.Fprintf(&b, " of %s", e.Object)
	}
	if e.Token != "" {
		fmt.Fprintf(&b, " on token %q", e.Token)
	}
	if e.Module != "" {
		fmt.Fprintf(&b, " (module %s)", e.Module)
	}
	fmt.Fprintf(&b, " failed: %s (0x%X)", p11.CodeName(e.Code), e.Code)
	if s := ckrSentences[e.Code]; s != "" {
		b.WriteString(": ")
		b.WriteString(s)
	}
	return b.String()
}

// Unwrap returns the sentinel matching the code (ErrPINIncorrect, ...), or
// nil.
func (e *Error) Unwrap() error { return ckrSentinels[e.Code] }

// Codes this package acts on.
const (
	ckrOK                      = 0x0
	ckrGeneralError            = 0x5
	ckrFunctionFailed          = 0x6
	ckrAttributeSensitive      = 0x11
	ckrAttributeTypeInvalid    = 0x12
	ckrDeviceError             = 0x30
	ckrDeviceRemoved           = 0x32
	ckrKeyHandleInvalid        = 0x60
	ckrObjectHandleInvalid     = 0x82
	ckrOperationActive         = 0x90
	ckrPINIncorrect            = 0xA0
	ckrPINLocked               = 0xA4
	ckrSessionClosed           = 0xB0
	ckrSessionHandleInvalid    = 0xB3
	ckrTokenNotPresent         = 0xE0
	ckrTokenNotRecognized      = 0xE1
	ckrUserAlreadyLoggedIn     = 0x100
	ckrUserNotLoggedIn         = 0x101
	ckrUserPINNotInitialized   = 0x102
	ckrBufferTooSmall          = 0x150
	ckrCryptokiNotInitialized  = 0x190
	ckrCryptokiAlreadyInit     = 0x191
	ckrMechanismInvalid        = 0x70
	ckrMechanismParamInvalid   = 0x71
	ckrKeyTypeInconsistent     = 0x63
	ckrKeyFunctionNotPermitted = 0x68
	ckrSlotIDInvalid           = 0x3
)

var ckrSentinels = map[uint]error{
	ckrPINIncorrect:          ErrPINIncorrect,
	ckrPINLocked:             ErrPINLocked,
	ckrTokenNotPresent:       ErrTokenNotPresent,
	ckrDeviceRemoved:         ErrTokenNotPresent,
	ckrTokenNotRecognized:    ErrTokenNotPresent,
	ckrSlotIDInvalid:         ErrTokenNotPresent,
	ckrSessionHandleInvalid:  ErrSessionLost,
	ckrSessionClosed:         ErrSessionLost,
	ckrUserNotLoggedIn:       ErrSessionLost,
	ckrMechanismInvalid:      ErrUnsupported,
	ckrMechanismParamInvalid: ErrUnsupported,
	ckrKeyTypeInconsistent:   ErrUnsupported,
}

var ckrSentences = map[uint]string{
	ckrGeneralError:            "the module reported an unrecoverable error; check the module's own log",
	ckrFunctionFailed:          "the module could not perform the operation; check the module's own log",
	ckrDeviceError:             "the token reported a device error; check that it is connected and working",
	ckrDeviceRemoved:           "the token was removed during the operation; reinsert it",
	ckrKeyHandleInvalid:        "the key handle is no longer valid; the token may have been reinitialized",
	ckrObjectHandleInvalid:     "the object handle is no longer valid; the token may have been reinitialized",
	ckrPINIncorrect:            "the PIN is wrong; check pin-value, pin-source or the PIN callback (not retried, so the token is not locked further)",
	ckrPINLocked:               "the user PIN is locked after too many wrong attempts; the security officer must unblock it",
	ckrSessionClosed:           "the session was closed during the operation",
	ckrSessionHandleInvalid:    "the session is no longer valid (closed by another caller or after token removal)",
	ckrTokenNotPresent:         "no token is present in the slot; insert the token or check the token name in the URI",
	ckrTokenNotRecognized:      "the module does not recognize the token in the slot",
	ckrUserNotLoggedIn:         "the operation needs a login and the session is not logged in",
	ckrUserPINNotInitialized:   "the token's user PIN was never set; initialize it (softhsm2-util --init-token, pkcs11-tool --init-pin)",
	ckrCryptokiNotInitialized:  "the module was not initialized (or was finalized by another user in this process)",
	ckrMechanismInvalid:        "the token does not support this mechanism",
	ckrMechanismParamInvalid:   "the token rejected the mechanism parameters",
	ckrKeyTypeInconsistent:     "the key's type does not fit the mechanism",
	ckrKeyFunctionNotPermitted: "the key's attributes do not allow this operation (e.g. CKA_SIGN or CKA_DECRYPT is false)",
	ckrSlotIDInvalid:           "the slot no longer exists; the token may have been removed",
	ckrAttributeSensitive:      "the attribute is sensitive and cannot be read",
	ckrAttributeTypeInvalid:    "the object has no such attribute",
	ckrOperationActive:         "another operation is active on the session",
}

// isSessionDead reports whether code means the session (or its login) is
// gone and a fresh session might succeed.
func isSessionDead(code uint) bool {
	switch code {
	case ckrSessionHandleInvalid, ckrSessionClosed, ckrUserNotLoggedIn,
		ckrDeviceRemoved, ckrTokenNotPresent, ckrKeyHandleInvalid,
		ckrObjectHandleInvalid, ckrCryptokiNotInitialized, ckrSlotIDInvalid:
		return true
	}
	return false
}

// URIError reports a pkcs11: URI that cannot be parsed or used.
type URIError struct {
	URI    string // the URI as given (pin-value redacted)
	Reason string // what is wrong and what to do
}

// Error returns "pkcs11: invalid URI "...": reason".
func (e *URIError) Error() string {
	return fmt.Sprintf("pkcs11: invalid URI %q: %s", e.URI, e.Reason)
}

// Unwrap returns ErrInvalidURI.
func (e *URIError) Unwrap() error { return ErrInvalidURI }
