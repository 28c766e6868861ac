package darwin

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
)

// Scheme is the URI scheme of keychain keys and identities, as used by
// smallstep's kms/mackms.
const Scheme = "mackms"

// defaultTag is the kSecAttrApplicationTag that smallstep's mackms gives
// every key it creates. A URI without tag= first looks for keys with this
// tag and, when none matches, for keys with any tag, as mackms does.
const defaultTag = "com.smallstep.crypto"

// KeyURI is a parsed mackms: URI:
//
//	mackms:label=my-key;tag=com.example;hash=ccb792f9d9a1262bfb814a339876f825bdba1261;se=true
//	mackms:my-key                          (a lone name is the label)
//	mackms:serial=2c273934eda8454d2595a94497e2395a
//	mackms:label=server;keychain=/path/to/ci.keychain-db
//
// Attributes: label (kSecAttrLabel of the key or of its certificate),
// tag (kSecAttrApplicationTag; "tag=" means any tag), hash
// (kSecAttrApplicationLabel: hex SHA-1 of the PKCS#1 RSA public key or of
// the uncompressed EC point), serial (hex serial number of the
// certificate), se (true: the key must be in the Secure Enclave; false:
// must not be), bio (recorded for compatibility; it only matters when a key
// is created) and keychain (this package's extension: search only the
// keychain file at that path instead of the user's search list).
// Values are percent-decoded.
type KeyURI struct {
	Label            string
	Tag              string
	TagSet           bool // tag= was given (possibly empty)
	Hash             []byte
	Serial           *big.Int
	SecureEnclave    bool
	SecureEnclaveSet bool // se= was given
	Biometrics       bool
	Keychain         string
}

// URIError reports a mackms: URI that cannot be parsed. It matches
// ErrInvalidURI with errors.Is.
type URIError struct {
	URI string
	Msg string
}

// Error returns "darwin: invalid mackms URI "...": what is wrong".
func (e *URIError) Error() string {
	return fmt.Sprintf("darwin: invalid mackms URI %q: %s", e.URI, e.Msg)
}

// Is matches ErrInvalidURI.
func (e *URIError) Is(target error) bool { return target == ErrInvalidURI }

// ParseKeyURI parses a mackms: URI. At least one of label, hash and serial
// must be given; unknown and repeated attributes are errors.
func ParseKeyURI(s string) (*KeyURI, error) {
	bad := func(format string, a ...any) error { return &URIError{URI: s, Msg: fmt.Sprintf(format, a...)} }
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || !strings.EqualFold(scheme, Scheme) {
		return nil, bad("must start with %q (for example mackms:label=my-key)", Scheme+":")
	}
	if strings.ContainsAny(rest, "?#") {
		return nil, bad("'?' and '#' are not allowed; separate attributes with ';'")
	}
	u := &KeyURI{}
	parts := strings.Split(rest, ";")
	if len(parts) == 1 && parts[0] != "" && !strings.Contains(parts[0], "=") {
		label, err := url.PathUnescape(parts[0])
		if err != nil {
			return nil, bad("bad percent-encoding in label: %v", err)
		}
		u.Label = label
		return u, nil
	}
	seen := map[string]bool{}
	for _, p := range parts {
		if p == "" {
			continue
		}
		k, v, hasEq := strings.Cut(p, "=")
		k = strings.ToLower(k)
		if !hasEq {
			return nil, bad("attribute %q has no value (write %s=value)", k, k)
		}
		if seen[k] {
			return nil, bad("attribute %q is given twice", k)
		}
		seen[k] = true
		val, err := url.PathUnescape(v)
		if err != nil {
			return nil, bad("bad percent-encoding in %s: %v", k, err)
		}
		if err := u.set(k, val); err != nil {
			return nil, bad("%v", err)
		}
	}
	if u.Label == "" && len(u.Hash) == 0 && u.Serial == nil {
		return nil, bad("give at least one of label=, hash= or serial=")
	}
	return u, nil
}

func (u *KeyURI) set(k, v string) error {
	var err error
	switch k {
	case "label":
		u.Label = v
	case "tag":
		u.Tag, u.TagSet = v, true
	case "hash":
		u.Hash, err = parseHex(v)
		if err == nil && len(u.Hash) != 20 {
			err = fmt.Errorf("hash must be the 40 hex digits of a SHA-1 (kSecAttrApplicationLabel), got %d bytes", len(u.Hash))
		}
	case "serial":
		var b []byte
		if b, err = parseHex(v); err == nil {
			if len(b) == 0 {
				return fmt.Errorf("serial is empty")
			}
			u.Serial = new(big.Int).SetBytes(b)
		}
	case "se":
		u.SecureEnclave, err = strconv.ParseBool(v)
		u.SecureEnclaveSet = true
	case "bio":
		u.Biometrics, err = strconv.ParseBool(v)
	case "keychain":
		if v == "" {
			return fmt.Errorf("keychain is empty (give the path of a .keychain-db file)")
		}
		u.Keychain = v
	default:
		return fmt.Errorf("unknown attribute %q (known: label, tag, hash, serial, se, bio, keychain)", k)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", k, err)
	}
	return nil
}

// parseHex decodes hex digits, allowing ':' separators.
func parseHex(v string) ([]byte, error) {
	v = strings.ReplaceAll(v, ":", "")
	b, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("not hexadecimal: %q", v)
	}
	return b, nil
}

// String formats the URI in canonical attribute order; ParseKeyURI of the
// result gives back an equal KeyURI.
func (u *KeyURI) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+escape(v)) }
	if u.Label != "" {
		add("label", u.Label)
	}
	if u.TagSet {
		add("tag", u.Tag)
	}
	if len(u.Hash) > 0 {
		add("hash", hex.EncodeToString(u.Hash))
	}
	if u.Serial != nil {
		b := u.Serial.Bytes()
		if len(b) == 0 {
			b = []byte{0}
		}
		add("serial", hex.EncodeToString(b))
	}
	if u.SecureEnclaveSet {
		add("se", strconv.FormatBool(u.SecureEnclave))
	}
	if u.Biometrics {
		add("bio", "true")
	}
	if u.Keychain != "" {
		add("keychain", u.Keychain)
	}
	return Scheme + ":" + strings.Join(parts, ";")
}

// escape percent-encodes what would break parsing: '%', ';', '=', '?', '#'
// and control characters.
func escape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '%' || c == ';' || c == '=' || c == '?' || c == '#' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
