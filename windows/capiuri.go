package windows

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/url"
	"strings"
)

// CAPIURI names a certificate (and its private key) in a Windows system
// store, in the capi: form of smallstep's capi KMS:
//
//	capi:store-location=user;store=My;sha1=<thumbprint hex>
//	capi:store-location=machine;store=My;key-id=<subject key identifier hex>
//	capi:store=My;cn=<subject common name>
//	capi:issuer=<issuer common name>;serial=<0x hex or decimal>
//
// Attributes are separated by ';', values may be percent-encoded, and a
// query "?pin-value=…" carries a PIN, which OpenKey hands to the key's
// provider (NCRYPT_PIN_PROPERTY) so that smart-card keys sign without a
// prompt. store-location defaults to "user"
// (CurrentUser), store to "My". "subject" is accepted as a synonym of
// "cn". Of smallstep's other attributes, friendly-name and description are
// not matched by this package (they are rejected rather than silently
// ignored), and key= / provider= (opening a CNG container by name) are not
// supported: name the certificate instead.
type CAPIURI struct {
	Location  Location
	Store     string   // system store name; default "My"
	SHA1      []byte   // SHA-1 thumbprint of the certificate (20 bytes)
	KeyID     []byte   // X509v3 Subject Key Identifier
	SubjectCN string   // subject common name
	Issuer    string   // issuer common name (with Serial or SubjectCN)
	Serial    *big.Int // serial number (with Issuer)
	PIN       string   // from the pin-value query attribute, if any
	raw       string
}

// ParseCAPIURI parses a capi: URI. Errors name the URI and the attribute
// at fault.
func ParseCAPIURI(s string) (*CAPIURI, error) {
	u := &CAPIURI{Store: "My", raw: s}
	rest, ok := cutPrefixFold(s, "capi:")
	if !ok {
		return nil, uriErr(s, "it must start with \"capi:\"")
	}
	path, query, _ := strings.Cut(rest, "?")
	if err := u.parseQuery(query); err != nil {
		return nil, uriErr(s, err.Error())
	}
	seen := map[string]bool{}
	for _, attr := range strings.Split(path, ";") {
		if strings.TrimSpace(attr) == "" {
			continue
		}
		k, v, ok := strings.Cut(attr, "=")
		if !ok {
			return nil, uriErr(s, fmt.Sprintf("attribute %q has no '=' (write name=value)", attr))
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val, err := url.PathUnescape(v)
		if err != nil {
			return nil, uriErr(s, fmt.Sprintf("attribute %s: bad percent-encoding", k))
		}
		if k == "subject" {
			k = "cn"
		}
		if seen[k] {
			return nil, uriErr(s, fmt.Sprintf("attribute %s is given twice", k))
		}
		seen[k] = true
		if err := u.set(k, val); err != nil {
			return nil, uriErr(s, err.Error())
		}
	}
	if err := u.check(); err != nil {
		return nil, uriErr(s, err.Error())
	}
	return u, nil
}

func (u *CAPIURI) parseQuery(q string) error {
	if q == "" {
		return nil
	}
	for _, attr := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(attr, "=")
		if k != "pin-value" {
			return fmt.Errorf("query attribute %q is not supported (only pin-value)", k)
		}
		pin, err := url.QueryUnescape(v)
		if err != nil {
			return fmt.Errorf("pin-value: bad percent-encoding")
		}
		u.PIN = pin
	}
	return nil
}

func (u *CAPIURI) set(k, v string) error {
	var err error
	switch k {
	case "store-location":
		u.Location, err = ParseLocation(v)
	case "store":
		if v == "" {
			return fmt.Errorf("store is empty (use e.g. store=My)")
		}
		u.Store = v
	case "sha1":
		u.SHA1, err = parseHexAttr(k, v)
		if err == nil && len(u.SHA1) != sha1.Size {
			err = fmt.Errorf("sha1 must be 20 bytes (40 hex digits), got %d bytes", len(u.SHA1))
		}
	case "key-id":
		u.KeyID, err = parseHexAttr(k, v)
	case "cn":
		u.SubjectCN = v
	case "issuer":
		u.Issuer = v
	case "serial":
		u.Serial, err = parseSerial(v)
	case "key", "provider", "friendly-name", "description", "key-spec":
		err = fmt.Errorf("attribute %s is not supported by nativetls; name the certificate with sha1=, key-id=, cn= or issuer= and serial=", k)
	default:
		err = fmt.Errorf("unknown attribute %q (known: store-location, store, sha1, key-id, cn, issuer, serial)", k)
	}
	return err
}

func (u *CAPIURI) check() error {
	switch {
	case u.Serial != nil && u.Issuer == "":
		return fmt.Errorf("serial needs issuer (the issuer's common name)")
	case u.Issuer != "" && u.Serial == nil && u.SubjectCN == "":
		return fmt.Errorf("issuer needs serial or cn to pick one certificate")
	case u.SHA1 == nil && u.KeyID == nil && u.SubjectCN == "" && u.Issuer == "":
		return fmt.Errorf("it names no certificate: give sha1=, key-id=, cn= or issuer= with serial=")
	}
	return nil
}

// Matches reports whether c is the certificate the URI names: every given
// attribute must match.
func (u *CAPIURI) Matches(c *x509.Certificate) bool {
	if c == nil {
		return false
	}
	if u.SHA1 != nil {
		sum := sha1.Sum(c.Raw)
		if !bytes.Equal(sum[:], u.SHA1) {
			return false
		}
	}
	if u.KeyID != nil && !bytes.Equal(c.SubjectKeyId, u.KeyID) {
		return false
	}
	if u.SubjectCN != "" && c.Subject.CommonName != u.SubjectCN {
		return false
	}
	if u.Issuer != "" && c.Issuer.CommonName != u.Issuer {
		return false
	}
	if u.Serial != nil && (c.SerialNumber == nil || c.SerialNumber.Cmp(u.Serial) != 0) {
		return false
	}
	return true
}

// String returns the URI as given to ParseCAPIURI or, for a CAPIURI made
// as a struct literal, one composed from its fields that ParseCAPIURI reads
// back. The PIN, if any, is replaced by "***".
func (u *CAPIURI) String() string {
	s := u.raw
	if s == "" {
		s = u.compose()
	}
	if u.PIN == "" {
		return s
	}
	path, _, _ := strings.Cut(s, "?")
	return path + "?pin-value=***"
}

// compose writes the URI of u's fields.
func (u *CAPIURI) compose() string {
	loc, store := "user", u.Store
	if u.Location == LocalMachine {
		loc = "machine"
	}
	if store == "" {
		store = "My"
	}
	attrs := []string{"store-location=" + loc, "store=" + url.PathEscape(store)}
	if u.SHA1 != nil {
		attrs = append(attrs, "sha1="+hex.EncodeToString(u.SHA1))
	}
	if u.KeyID != nil {
		attrs = append(attrs, "key-id="+hex.EncodeToString(u.KeyID))
	}
	if u.SubjectCN != "" {
		attrs = append(attrs, "cn="+url.PathEscape(u.SubjectCN))
	}
	if u.Issuer != "" {
		attrs = append(attrs, "issuer="+url.PathEscape(u.Issuer))
	}
	if u.Serial != nil {
		attrs = append(attrs, "serial=0x"+u.Serial.Text(16))
	}
	return "capi:" + strings.Join(attrs, ";")
}

func parseHexAttr(k, v string) ([]byte, error) {
	clean := strings.NewReplacer(":", "", " ", "", "-", "").Replace(v)
	b, err := hex.DecodeString(clean)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%s must be hex digits (colons and spaces allowed), got %q", k, v)
	}
	return b, nil
}

func parseSerial(v string) (*big.Int, error) {
	if h, ok := cutPrefixFold(v, "0x"); ok {
		clean := strings.NewReplacer(":", "", " ", "").Replace(h)
		n, ok := new(big.Int).SetString(clean, 16)
		if !ok || n.Sign() < 0 || strings.ContainsAny(clean, "+-_") {
			return nil, fmt.Errorf("serial must be decimal or 0x-prefixed hex, got %q", v)
		}
		return n, nil
	}
	n, ok := new(big.Int).SetString(v, 10)
	if !ok || n.Sign() < 0 || strings.ContainsAny(v, "+_") {
		return nil, fmt.Errorf("serial must be decimal or 0x-prefixed hex, got %q", v)
	}
	return n, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// URIError reports a capi: URI that cannot be parsed.
type URIError struct {
	URI string
	Msg string
}

// Error names the URI (PIN redacted) and what is wrong with it.
func (e *URIError) Error() string {
	return fmt.Sprintf("windows: invalid capi URI %q: %s", redactPIN(e.URI), e.Msg)
}

func uriErr(s, msg string) error { return &URIError{URI: s, Msg: msg} }

func redactPIN(s string) string {
	if i := strings.Index(s, "pin-value="); i >= 0 {
		return s[:i] + "pin-value=***"
	}
	return s
}
