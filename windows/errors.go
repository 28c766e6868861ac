package windows

import (
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/trust"
)

// ErrUnsupported is returned (wrapped) by the constructors of this package
// on operating systems other than Windows. errors.Is(err,
// trust.ErrUnsupported) also holds.
var ErrUnsupported = fmt.Errorf("windows: the Windows certificate stores and CNG keys are available only on Windows: %w", trust.ErrUnsupported)

// Store errors, usable with errors.Is on a *StoreError.
var (
	// ErrAccessDenied: the store cannot be written by this user
	// (E_ACCESSDENIED / ERROR_ACCESS_DENIED). LocalMachine stores need an
	// elevated (administrator) process.
	ErrAccessDenied error = errtext.New("windows", "access denied: writing LocalMachine stores needs an elevated (administrator) process")
	// ErrCancelled: the user declined the confirmation Windows shows when a
	// root is added to or removed from the CurrentUser ROOT store
	// (ERROR_CANCELLED).
	ErrCancelled error = errtext.New("windows", "the user declined the Windows security prompt")
	// ErrNotFound: the certificate is not in the store (CRYPT_E_NOT_FOUND).
	ErrNotFound error = errtext.New("windows", "certificate not found in the store")
)

// StoreError reports a failed operation on a system certificate store.
type StoreError struct {
	Op       string // "open", "add", "delete", "list"
	Location Location
	Store    string // store name, e.g. "ROOT"
	Subject  string // the certificate's subject, if the operation was about one
	Code     uint32 // the Windows error code, 0 if none
	Err      error  // a sentinel (ErrAccessDenied …) or the OS error
}

// Error names the operation, store, certificate and Windows code.
func (e *StoreError) Error() string {
	s := fmt.Sprintf("windows: cannot %s %s\\%s", e.Op, e.Location, e.Store)
	if e.Subject != "" {
		s = fmt.Sprintf("windows: cannot %s %q in %s\\%s", e.Op, e.Subject, e.Location, e.Store)
	}
	if e.Err != nil {
		s += ": " + errtext.Bare("windows", e.Err)
	}
	if e.Code != 0 {
		s += fmt.Sprintf(" (%s)", codeName(e.Code))
	}
	return s
}

// Unwrap returns the sentinel or OS error.
func (e *StoreError) Unwrap() error { return e.Err }

// storeErrorFor classifies a Windows error code for a store operation.
func storeErrorFor(code uint32, osErr error) error {
	switch code {
	case 5, 0x80070005: // ERROR_ACCESS_DENIED, E_ACCESSDENIED
		return ErrAccessDenied
	case 1223, 0x800704C7: // ERROR_CANCELLED, HRESULT_FROM_WIN32(ERROR_CANCELLED)
		return ErrCancelled
	case 0x80092004: // CRYPT_E_NOT_FOUND
		return ErrNotFound
	}
	return osErr
}

// codeName names a Windows error code for messages.
func codeName(code uint32) string {
	if n := statusName(code); n != "" {
		return n
	}
	if n := nteName(code); n != "" {
		return n
	}
	if code < 0x10000 {
		return fmt.Sprintf("error %d", code)
	}
	return fmt.Sprintf("HRESULT 0x%08X", code)
}

// EngineError reports a custom chain engine that could not be built.
type EngineError struct {
	API  string
	Code uint32
	Err  error
}

// Error names the failing call and the Windows code.
func (e *EngineError) Error() string {
	return fmt.Sprintf("windows: cannot build the chain engine for extra roots: %s failed: %v (%s)", e.API, e.Err, codeName(e.Code))
}

// Unwrap returns the OS error.
func (e *EngineError) Unwrap() error { return e.Err }
