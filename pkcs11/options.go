package pkcs11

import "context"

// Options configures OpenKey, LoadCertificates and ListObjects. The zero
// value (or nil) is valid: the module comes from the URI (or p11-kit's
// proxy), the PIN from the URI, and the session pool size from the URI's
// max-sessions or the token.
type Options struct {
	// PIN returns the user PIN for the token with the given label. It is
	// called only when the URI has neither pin-value nor pin-source, at
	// most once per login; a wrong PIN is never retried. nil means no
	// callback.
	PIN func(ctx context.Context, tokenLabel string) (string, error)

	// ModulePath overrides the URI's module-path and module-name. Empty
	// means use the URI, then p11-kit-proxy.so.
	ModulePath string

	// AllowedModules lists module files (absolute paths) this program
	// allows to be loaded although they are neither registered with
	// p11-kit nor installed root-owned in a system library directory (see
	// ModuleRefusedError). nil allows only those, plus the files listed in
	// $NATIVETLS_PKCS11_MODULES.
	AllowedModules []string

	// MaxSessions bounds the session pool of the token (concurrent
	// operations of all keys opened on it; the first OpenKey on a token
	// decides). 0 means the URI's max-sessions, else 2×GOMAXPROCS (at
	// least 4, at most 16), lowered to the token's ulMaxSessionCount
	// when that is smaller.
	MaxSessions int
}

// defaultMaxSessions is the session pool bound when neither Options, the
// URI nor the token set a smaller one.
const defaultMaxSessions = 16

func (o *Options) modulePath() string {
	if o == nil {
		return ""
	}
	return o.ModulePath
}

func (o *Options) maxSessions() int {
	if o == nil {
		return 0
	}
	return o.MaxSessions
}

func (o *Options) allowedModules() []string {
	if o == nil {
		return nil
	}
	return o.AllowedModules
}
