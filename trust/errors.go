package trust

import (
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
)

// Sentinel errors of the sans-I/O and socket layers, usable with errors.Is.
var (
	// ErrWantRead means the operation cannot progress until more ciphertext
	// is fed in (PEP 543 WantReadError).
	ErrWantRead = errors.New("trust: want read: feed more ciphertext from the network, then retry")
	// ErrWantWrite means the outgoing ciphertext buffer is full and must be
	// drained before the operation can progress (PEP 543 WantWriteError).
	ErrWantWrite = errors.New("trust: want write: drain the outgoing ciphertext to the network, then retry")
	// ErrRaggedEOF means the transport ended without the peer's close_notify,
	// so the data may have been truncated (PEP 543 RaggedEOF).
	ErrRaggedEOF = errors.New("trust: ragged EOF: the connection ended without a TLS close_notify; data may be truncated")
	// ErrUnsupported is returned (wrapped) when a backend, platform or build
	// cannot provide a feature.
	ErrUnsupported error = errtext.New("trust", "not supported")
	// ErrNoTrustAnchors means a trust source yielded no certificates at all.
	ErrNoTrustAnchors = errors.New("trust: no trust anchors found")
)

// ConfigurationError reports a Configuration that a backend cannot honour.
// It is returned when a context is created, never at first use.
type ConfigurationError struct {
	Backend string // backend name, e.g. "portable"
	Field   string // the configuration field, e.g. "ciphers"
	Msg     string // what is wrong and what to do
	Err     error  // underlying cause, if any
}

func (e *ConfigurationError) Error() string {
	s := "trust: invalid configuration"
	if e.Backend != "" {
		s += " for backend " + e.Backend
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *ConfigurationError) Unwrap() error { return e.Err }

// TLSError is a failure of the TLS engine (handshake, record layer, I/O),
// carrying the backend name and the operation. Verification failures are
// reported as *VerificationError, which TLSError wraps when it happened
// during a handshake.
type TLSError struct {
	Backend string // backend name
	Op      string // "handshake", "read", "write", "close"
	Err     error
}

func (e *TLSError) Error() string {
	return fmt.Sprintf("trust: %s %s: %v", e.Backend, e.Op, e.Err)
}

// Unwrap returns the underlying cause.
func (e *TLSError) Unwrap() error { return e.Err }
