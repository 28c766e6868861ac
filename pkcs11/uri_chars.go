package pkcs11

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Character classes of RFC 7512 section 2.3.
//
//	unreserved           = ALPHA / DIGIT / "-" / "." / "_" / "~"
//	pk11-res-avail       = ":" / "[" / "]" / "@" / "!" / "$" / "'" / "(" / ")" / "*" / "+" / "," / "="
//	pk11-path-res-avail  = pk11-res-avail / "&"
//	pk11-query-res-avail = pk11-res-avail / "/" / "?" / "|"
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isResAvail(c byte) bool { return strings.IndexByte(":[]@!$'()*+,=", c) >= 0 }

// allowedLiteral reports whether c may appear unencoded in a path (or
// query) attribute value.
func allowedLiteral(c byte, query bool) bool {
	if isUnreserved(c) || isResAvail(c) {
		return true
	}
	if query {
		return c == '/' || c == '?' || c == '|'
	}
	return c == '&'
}

// validAttrName: names are 1*(ALPHA / DIGIT / "-" / "." / "_"), and start
// with a letter.
func validAttrName(n string) bool {
	if n == "" || !('a' <= n[0] && n[0] <= 'z' || 'A' <= n[0] && n[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// checkChars rejects characters that must be percent-encoded.
func checkChars(raw string, query bool) error {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' || allowedLiteral(c, query) {
			continue
		}
		return fmt.Errorf("character %q at offset %d must be percent-encoded as %%%02X", c, i, c)
	}
	return nil
}

var errBadPct = errors.New("'%' must be followed by two hex digits")

// pctDecode decodes %XX escapes; "+" stays "+".
func pctDecode(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return nil, errBadPct
		}
		h, ok1 := unhex(s[i+1])
		l, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return nil, errBadPct
		}
		out = append(out, h<<4|l)
		i += 2
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// pctEncode encodes every byte not allowed literally in a path (or query)
// value. "=" is kept literal as RFC 7512 allows.
func pctEncode(s string, query bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if allowedLiteral(c, query) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// parseDigits parses 1*DIGIT into a uint64 without overflow.
func parseDigits(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("empty number")
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errors.New("must be decimal digits")
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, errors.New("number too large")
		}
		n = n*10 + d
	}
	if n > uint64(^uint(0)) {
		return 0, errors.New("number too large")
	}
	return n, nil
}

// validVersion accepts "M" or "M.m" (digits).
func validVersion(v string) bool {
	maj, min, dot := strings.Cut(v, ".")
	if _, err := parseDigits(maj); err != nil {
		return false
	}
	if dot {
		if _, err := parseDigits(min); err != nil {
			return false
		}
	}
	return true
}
