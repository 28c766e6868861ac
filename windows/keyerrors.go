package windows

import (
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
)

// Key errors, usable with errors.Is on a *KeyError, whose Code keeps the
// CNG status (NTE_*, SCARD_*) they classify.
var (
	// ErrKeyNotFound: the certificate has no private key, or its key
	// container is gone.
	ErrKeyNotFound error = errtext.New("windows", "no private key for the certificate (import it with its key, e.g. from a .pfx)")
	// ErrKeyNotCNG: the key lives in a legacy CryptoAPI provider, which this
	// package does not drive.
	ErrKeyNotCNG error = errtext.New("windows", "the private key is held by a legacy CryptoAPI provider, not CNG (re-import it with a CNG key storage provider)")
	// ErrKeyNeedsUI: the key needs a PIN or consent prompt, and the package
	// asks for silence.
	ErrKeyNeedsUI error = errtext.New("windows", "the key needs user interaction (a PIN or consent prompt), which is disabled")
	// ErrKeyAccessDenied: the process may not use the key (check its ACL).
	ErrKeyAccessDenied error = errtext.New("windows", "access to the private key is denied (check the key's permissions)")
	// ErrKeyNotSupported: the key or its provider cannot do the operation,
	// e.g. RSA-PSS on a TPM 1.2 key.
	ErrKeyNotSupported error = errtext.New("windows", "the key's provider does not support this operation")
	// ErrKeyDevice: the smart card or TPM holding the key is absent or not
	// ready.
	ErrKeyDevice error = errtext.New("windows", "the device holding the key (smart card, TPM) is not available")
	// ErrKeyPIN: the PIN or password is wrong or blocked.
	ErrKeyPIN error = errtext.New("windows", "the key's PIN is wrong or blocked")
	// ErrKeyCancelled: the user cancelled a prompt.
	ErrKeyCancelled error = errtext.New("windows", "the user cancelled the key operation")
	// ErrKeyBadInput: the key rejected the data (wrong digest length or
	// padding parameters).
	ErrKeyBadInput error = errtext.New("windows", "the key rejected the input (wrong digest length or padding parameters)")
)

// nteCodes maps each CNG status the package classifies to its SDK name and
// sentinel (nil: kept as the OS error).
var nteCodes = map[uint32]struct {
	name string
	err  error
}{
	0x80090001: {"NTE_BAD_UID", ErrKeyBadInput},
	0x80090002: {"NTE_BAD_HASH", ErrKeyBadInput},
	0x80090003: {"NTE_BAD_KEY", ErrKeyNotFound},
	0x80090004: {"NTE_BAD_LEN", ErrKeyBadInput},
	0x80090005: {"NTE_BAD_DATA", ErrKeyBadInput},
	0x80090006: {"NTE_BAD_SIGNATURE", ErrKeyBadInput},
	0x80090008: {"NTE_BAD_ALGID", ErrKeyNotSupported},
	0x80090009: {"NTE_BAD_FLAGS", ErrKeyNotSupported},
	0x8009000A: {"NTE_BAD_TYPE", ErrKeyNotSupported},
	0x8009000B: {"NTE_BAD_KEY_STATE", ErrKeyNotSupported},
	0x8009000D: {"NTE_NO_KEY", ErrKeyNotFound},
	0x80090010: {"NTE_PERM", ErrKeyAccessDenied},
	0x80090011: {"NTE_NOT_FOUND", ErrKeyNotFound},
	0x80090016: {"NTE_BAD_KEYSET", ErrKeyNotFound},
	0x80090019: {"NTE_KEYSET_NOT_DEF", ErrKeyNotFound},
	0x80090020: {"NTE_FAIL", nil},
	0x80090022: {"NTE_SILENT_CONTEXT", ErrKeyNeedsUI},
	0x80090026: {"NTE_INVALID_HANDLE", ErrKeyNotFound},
	0x80090027: {"NTE_INVALID_PARAMETER", ErrKeyBadInput},
	0x80090028: {"NTE_BUFFER_TOO_SMALL", nil},
	0x80090029: {"NTE_NOT_SUPPORTED", ErrKeyNotSupported},
	0x8009002C: {"NTE_DECRYPTION_FAILURE", ErrKeyBadInput},
	0x8009002D: {"NTE_INTERNAL_ERROR", nil},
	0x8009002E: {"NTE_UI_REQUIRED", ErrKeyNeedsUI},
	0x80090030: {"NTE_DEVICE_NOT_READY", ErrKeyDevice},
	0x80090033: {"NTE_INCORRECT_PASSWORD", ErrKeyPIN},
	0x80090035: {"NTE_DEVICE_NOT_FOUND", ErrKeyDevice},
	0x80090036: {"NTE_USER_CANCELLED", ErrKeyCancelled},
	0x80090037: {"NTE_PASSWORD_CHANGE_REQUIRED", ErrKeyPIN},
	0x8009200B: {"CRYPT_E_NO_KEY_PROPERTY", ErrKeyNotFound},
	0x8010000C: {"SCARD_E_NO_SMARTCARD", ErrKeyDevice},
	0x8010006B: {"SCARD_W_WRONG_CHV", ErrKeyPIN},
	0x8010006C: {"SCARD_W_CHV_BLOCKED", ErrKeyPIN},
	0x8010006E: {"SCARD_W_CANCELLED_BY_USER", ErrKeyCancelled},
	0x80070005: {"E_ACCESSDENIED", ErrKeyAccessDenied},
	0x800704C7: {"HRESULT_FROM_WIN32(ERROR_CANCELLED)", ErrKeyCancelled},
	0x80004001: {"E_NOTIMPL", ErrKeyNotSupported},
}

func nteName(code uint32) string { return nteCodes[code].name }

// KeyError reports a failed operation on a CNG key.
type KeyError struct {
	URI  string // the capi: URI the key was opened with
	Op   string // "open", "sign", "decrypt"
	API  string // the Windows call that failed, e.g. "NCryptSignHash"
	Code uint32 // the NTE_* / HRESULT status, 0 if none
	Err  error  // a sentinel (ErrKeyNotFound …) or the underlying error
}

// Error names the operation, the key URI and the failing call with its
// NTE_* code.
func (e *KeyError) Error() string {
	s := fmt.Sprintf("windows: cannot %s with key %s", e.Op, e.URI)
	if e.Err != nil {
		s += ": " + errtext.Bare("windows", e.Err)
	}
	if e.Code != 0 {
		s += fmt.Sprintf(" (%s returned %s)", e.API, codeName(e.Code))
	}
	return s
}

// Unwrap returns the sentinel or underlying error.
func (e *KeyError) Unwrap() error { return e.Err }

// keyError builds a KeyError for a CNG status code, picking the sentinel.
func keyError(uri, op, api string, code uint32, osErr error) *KeyError {
	err := osErr
	if c, ok := nteCodes[code]; ok && c.err != nil {
		err = c.err
	}
	return &KeyError{URI: uri, Op: op, API: api, Code: code, Err: err}
}
