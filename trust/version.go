package trust

import (
	"crypto/tls"
	"fmt"
	"slices"
)

// Version is a TLS protocol version, holding the wire value (0x0303 is TLS 1.2).
// The two sentinels MinimumSupported and MaximumSupported stand for the lowest
// and highest version the backend's engine supports, as in PEP 543.
//
// The zero Version, used by a zero Configuration, means "the default": TLS 1.2
// as the lowest version and the engine's maximum as the highest.
type Version uint16

// Protocol versions, and the sentinels for the backend's bounds.
const (
	SSLv3   Version = 0x0300 // SSL 3.0: no backend negotiates it; naming it fails clearly
	TLSv1   Version = 0x0301 // TLS 1.0
	TLSv1_1 Version = 0x0302 // TLS 1.1
	TLSv1_2 Version = 0x0303 // TLS 1.2
	TLSv1_3 Version = 0x0304 // TLS 1.3

	MinimumSupported Version = 0xfffe // the lowest version the backend supports
	MaximumSupported Version = 0xffff // the highest version the backend supports
)

// DefaultLowestVersion is the lowest version a Configuration allows when it
// does not set one. It may be raised in a minor release.
const DefaultLowestVersion = TLSv1_2

// versionNames lists each version's conventional name, String's, then the
// other spellings ParseVersion accepts.
var versionNames = []struct {
	v     Version
	names []string
}{
	{SSLv3, []string{"SSLv3", "ssl3", "sslv3"}},
	{TLSv1, []string{"TLSv1", "1.0", "TLSv1.0", "tls1", "tls1.0", "TLS1.0"}},
	{TLSv1_1, []string{"TLSv1.1", "1.1", "tls1.1", "TLS1.1"}},
	{TLSv1_2, []string{"TLSv1.2", "1.2", "tls1.2", "TLS1.2"}},
	{TLSv1_3, []string{"TLSv1.3", "1.3", "tls1.3", "TLS1.3"}},
	{MinimumSupported, []string{"MINIMUM_SUPPORTED", "min"}},
	{MaximumSupported, []string{"MAXIMUM_SUPPORTED", "max"}},
}

// String returns the conventional name, e.g. "TLSv1.2".
func (v Version) String() string {
	if v == 0 {
		return "default"
	}
	for _, n := range versionNames {
		if n.v == v {
			return n.names[0]
		}
	}
	return fmt.Sprintf("Version(0x%04x)", uint16(v))
}

// ParseVersion accepts "1.0".."1.3", "TLSv1.2", "tls1.2", "TLS1.2", "SSLv3",
// "min"/"MINIMUM_SUPPORTED" and "max"/"MAXIMUM_SUPPORTED".
func ParseVersion(s string) (Version, error) {
	for _, n := range versionNames {
		if slices.Contains(n.names, s) {
			return n.v, nil
		}
	}
	return 0, fmt.Errorf("trust: unknown TLS version %q (use 1.0, 1.1, 1.2, 1.3, min or max)", s)
}

// GoVersion returns the crypto/tls constant for v, resolving the sentinels
// to what crypto/tls supports (TLS 1.0 .. TLS 1.3) and the zero Version to
// def. It reports false for SSLv3 and unknown values, which crypto/tls
// cannot negotiate.
func (v Version) GoVersion(def uint16) (uint16, bool) {
	switch v {
	case 0:
		return def, true
	case MinimumSupported:
		return tls.VersionTLS10, true
	case MaximumSupported:
		return tls.VersionTLS13, true
	case TLSv1, TLSv1_1, TLSv1_2, TLSv1_3:
		return uint16(v), true
	}
	return 0, false
}
