package pkcs11

import (
	"github.com/nativetls/nativetls/internal/safefile"

	"context"
	"fmt"
	"net/url"
	"strings"
)

// pinSource returns the PIN for a token: the URI's pin-value, the file
// named by pin-source, or the Options.PIN callback, in that order; "" and
// ErrPINRequired-wrapped error when none is configured.
func pinFor(ctx context.Context, u *URI, opts *Options, tokenLabel string) (string, error) {
	switch {
	case u.Has("pin-value"):
		return u.PINValue, nil
	case u.PINSource != "":
		return readPINSource(u.PINSource)
	case opts != nil && opts.PIN != nil:
		pin, err := opts.PIN(ctx, tokenLabel)
		if err != nil {
			return "", fmt.Errorf("pkcs11: PIN callback for token %q: %w", tokenLabel, err)
		}
		return pin, nil
	}
	return "", fmt.Errorf("pkcs11: token %q needs a login and %s gives no PIN; add ?pin-source=/path/to/pinfile or set Options.PIN: %w",
		tokenLabel, u.Redacted(), ErrPINRequired)
}

// readPINSource reads a pin-source: a file path or a file: URI. The PIN is
// the first line, without its line ending.
func readPINSource(src string) (string, error) {
	path := src
	if strings.HasPrefix(src, "file:") {
		pu, err := url.Parse(src)
		if err != nil || (pu.Host != "" && pu.Host != "localhost") {
			return "", fmt.Errorf("pkcs11: pin-source %q is not a local file: URI", src)
		}
		path = pu.Path
		if path == "" {
			path = pu.Opaque
		}
	} else if strings.Contains(src, "://") || strings.HasPrefix(src, "|") {
		return "", fmt.Errorf("pkcs11: pin-source %q: only files (path or file: URI) are supported", src)
	}
	b, err := safefile.Read(path, maxPINFile)
	if err != nil {
		return "", fmt.Errorf("pkcs11: pin-source %s: %w", path, err)
	}
	pin, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSuffix(pin, "\r"), nil
}

// maxPINFile caps a pin-source file: a PIN is a line, so a device, FIFO or
// runaway file is refused rather than read without bound.
const maxPINFile = 64 << 10
