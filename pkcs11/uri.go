package pkcs11

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// URI is a parsed RFC 7512 pkcs11: URI. An empty field is a wildcard,
// except that Has reports attributes given with an empty value (which
// match only empty values). Percent-encoding is decoded: fields hold raw
// values ("+" is a plus sign, never a space).
type URI struct {
	// Path attributes.
	Token               string // token label (CK_TOKEN_INFO.label)
	Manufacturer        string // token manufacturerID
	Serial              string // token serialNumber
	Model               string // token model
	LibraryManufacturer string // CK_INFO.manufacturerID
	LibraryDescription  string // CK_INFO.libraryDescription
	LibraryVersion      string // CK_INFO.libraryVersion, "M" or "M.m"
	SlotDescription     string // CK_SLOT_INFO.slotDescription
	SlotManufacturer    string // CK_SLOT_INFO.manufacturerID
	SlotID              uint   // CK_SLOT_ID; valid when Has("slot-id")
	Object              string // CKA_LABEL
	ID                  []byte // CKA_ID (raw bytes)
	Type                string // "public", "private", "cert", "secret-key" or "data"

	// Query attributes.
	ModuleName  string // module name, resolved through p11-kit's module config
	ModulePath  string // module file, or directory searched for ModuleName
	PINValue    string // the user PIN itself (avoid: it ends up in configs and logs)
	PINSource   string // file holding the PIN (or "file:" URI)
	MaxSessions int    // bound of the session pool (non-standard "max-sessions"); 0 = token's limit

	// Vendor holds vendor-specific ("x-" prefixed) attributes, path ones
	// first, in the order given.
	Vendor []VendorAttribute

	present map[string]bool
}

// VendorAttribute is a vendor-specific ("x-...") URI attribute.
type VendorAttribute struct {
	Name  string
	Value string
	Query bool // in the query component rather than the path
}

// Object types allowed in the "type" attribute.
var uriTypes = map[string]bool{"public": true, "private": true, "cert": true, "secret-key": true, "data": true}

// pathAttrs and queryAttrs list the standard attributes in the order
// String writes them.
var pathAttrs = []string{
	"library-manufacturer", "library-description", "library-version",
	"slot-manufacturer", "slot-description", "slot-id",
	"manufacturer", "model", "serial", "token", "object", "type", "id",
}
var queryAttrs = []string{"module-name", "module-path", "pin-source", "pin-value", "max-sessions"}

// ParseURI parses an RFC 7512 pkcs11: URI exactly: unknown attributes
// (other than vendor "x-" ones), repeated attributes, bad percent-encoding,
// characters that must be encoded, and invalid values are errors naming the
// attribute.
func ParseURI(s string) (*URI, error) {
	u := &URI{present: map[string]bool{}}
	bad := func(format string, a ...any) error {
		return &URIError{URI: redactURI(s), Reason: fmt.Sprintf(format, a...)}
	}
	const scheme = "pkcs11:"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return nil, bad("must start with %q", scheme)
	}
	rest := s[len(scheme):]
	path, query, hasQuery := strings.Cut(rest, "?")
	if path != "" {
		for _, attr := range strings.Split(path, ";") {
			if err := u.parseAttr(attr, false, bad); err != nil {
				return nil, err
			}
		}
	}
	if hasQuery {
		if query == "" {
			return nil, bad("empty query after '?'")
		}
		for _, attr := range strings.Split(query, "&") {
			if err := u.parseAttr(attr, true, bad); err != nil {
				return nil, err
			}
		}
	}
	if u.present["pin-value"] && u.present["pin-source"] {
		return nil, bad("pin-value and pin-source both given; use one")
	}
	return u, nil
}

// parseTypedURI parses uri for a function that reads objects of type want
// only: another type attribute is an error naming what (e.g. "a private
// key"). An empty want takes every type.
func parseTypedURI(uri, want, what string) (*URI, error) {
	u, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	if want != "" && u.Type != "" && u.Type != want {
		return nil, &URIError{URI: u.Redacted(), Reason: fmt.Sprintf("type=%s cannot name %s; use type=%s or leave it out", u.Type, what, want)}
	}
	return u, nil
}

func (u *URI) parseAttr(attr string, query bool, bad func(string, ...any) error) error {
	where := "path"
	if query {
		where = "query"
	}
	name, raw, ok := strings.Cut(attr, "=")
	if !ok {
		if attr == "" {
			return bad("empty %s attribute (stray separator)", where)
		}
		return bad("%s attribute %q has no '=value'", where, attr)
	}
	if !validAttrName(name) {
		return bad("invalid %s attribute name %q", where, name)
	}
	if err := checkChars(raw, query); err != nil {
		return bad("attribute %s: %v", name, err)
	}
	val, err := pctDecode(raw)
	if err != nil {
		return bad("attribute %s: %v", name, err)
	}
	if strings.HasPrefix(name, "x-") {
		u.Vendor = append(u.Vendor, VendorAttribute{Name: name, Value: string(val), Query: query})
		return nil
	}
	known := pathAttrs
	if query {
		known = queryAttrs
	}
	if !contains(known, name) {
		if contains(pathAttrs, name) || contains(queryAttrs, name) {
			return bad("attribute %s belongs in the %s, not the %s", name, otherPart(query), where)
		}
		return bad("unknown %s attribute %q (RFC 7512 path: %s; query: %s; vendor attributes start with x-)",
			where, name, strings.Join(pathAttrs, ", "), strings.Join(queryAttrs, ", "))
	}
	if u.present[name] {
		return bad("attribute %s given twice", name)
	}
	u.present[name] = true
	if name == "id" {
		u.ID = val
		return nil
	}
	if !utf8.Valid(val) {
		return bad("attribute %s is not valid UTF-8 after percent-decoding", name)
	}
	return u.setText(name, string(val), bad)
}

// setText checks and sets the standard attribute name, any but id.
func (u *URI) setText(name, v string, bad func(string, ...any) error) error {
	switch name {
	case "library-version":
		if !validVersion(v) {
			return bad("library-version %q must be digits, optionally \".\" and digits", v)
		}
	case "slot-id":
		n, err := parseDigits(v)
		if err != nil {
			return bad("slot-id %q: %v", v, err)
		}
		u.SlotID = uint(n)
		return nil
	case "type":
		if !uriTypes[v] {
			return bad("type %q must be one of public, private, cert, secret-key, data", v)
		}
	case "module-name":
		if !validModuleName(v) {
			return bad("module-name %q must be a bare library name: no '/', '\\', \"..\" or NUL (use module-path for a file)", v)
		}
	case "max-sessions":
		n, err := parseDigits(v)
		if err != nil || n == 0 || n > 1<<20 {
			return bad("max-sessions %q must be a number from 1 to 1048576", v)
		}
		u.MaxSessions = int(n)
		return nil
	}
	*u.textField(name) = v
	return nil
}

// textField returns the string field that holds the standard attribute
// name, or nil for id, slot-id, max-sessions and unknown names.
func (u *URI) textField(name string) *string {
	switch name {
	case "token":
		return &u.Token
	case "manufacturer":
		return &u.Manufacturer
	case "serial":
		return &u.Serial
	case "model":
		return &u.Model
	case "library-manufacturer":
		return &u.LibraryManufacturer
	case "library-description":
		return &u.LibraryDescription
	case "library-version":
		return &u.LibraryVersion
	case "slot-description":
		return &u.SlotDescription
	case "slot-manufacturer":
		return &u.SlotManufacturer
	case "object":
		return &u.Object
	case "type":
		return &u.Type
	case "module-name":
		return &u.ModuleName
	case "module-path":
		return &u.ModulePath
	case "pin-value":
		return &u.PINValue
	case "pin-source":
		return &u.PINSource
	}
	return nil
}

// Has reports whether the attribute (by its URI name, e.g. "token",
// "slot-id", "pin-value") was given, even with an empty value.
func (u *URI) Has(name string) bool {
	if u.present[name] {
		return true
	}
	// Fields set directly by callers count as present when non-empty.
	v, _ := u.value(name)
	return v != ""
}

// value returns the encoded-ready raw value of a standard attribute.
func (u *URI) value(name string) (string, bool) {
	if p := u.textField(name); p != nil {
		return *p, true
	}
	switch name {
	case "slot-id":
		if u.present["slot-id"] {
			return strconv.FormatUint(uint64(u.SlotID), 10), true
		}
		return "", true
	case "id":
		return string(u.ID), true
	case "max-sessions":
		if u.MaxSessions > 0 {
			return strconv.Itoa(u.MaxSessions), true
		}
		return "", true
	}
	return "", false
}

// String formats the URI in canonical form: attributes in a fixed order,
// every byte that is not allowed literally percent-encoded (uppercase
// hex), the id attribute fully percent-encoded. pin-value is included;
// use Redacted for logs.
func (u *URI) String() string { return u.format(false) }

// Redacted is String with the pin-value replaced by "REDACTED".
func (u *URI) Redacted() string { return u.format(true) }

func (u *URI) format(redact bool) string {
	var b strings.Builder
	b.WriteString("pkcs11:")
	first := true
	for _, name := range pathAttrs {
		if !u.Has(name) {
			continue
		}
		if !first {
			b.WriteByte(';')
		}
		first = false
		v, _ := u.value(name)
		b.WriteString(name)
		b.WriteByte('=')
		if name == "id" {
			for i := 0; i < len(v); i++ {
				fmt.Fprintf(&b, "%%%02X", v[i])
			}
			continue
		}
		b.WriteString(pctEncode(v, false))
	}
	for _, va := range u.Vendor {
		if va.Query {
			continue
		}
		if !first {
			b.WriteByte(';')
		}
		first = false
		b.WriteString(va.Name + "=" + pctEncode(va.Value, false))
	}
	sep := "?"
	for _, name := range queryAttrs {
		if !u.Has(name) {
			continue
		}
		v, _ := u.value(name)
		if redact && name == "pin-value" {
			v = "REDACTED"
		}
		b.WriteString(sep + name + "=" + pctEncode(v, true))
		sep = "&"
	}
	for _, va := range u.Vendor {
		if va.Query {
			b.WriteString(sep + va.Name + "=" + pctEncode(va.Value, true))
			sep = "&"
		}
	}
	return b.String()
}

// Equal reports whether two URIs have the same attributes.
func (u *URI) Equal(o *URI) bool {
	if u == nil || o == nil {
		return u == o
	}
	return u.String() == o.String() && bytes.Equal(u.ID, o.ID)
}

// redactURI hides a pin-value in a raw URI string for error messages.
func redactURI(s string) string {
	i := strings.Index(s, "pin-value=")
	if i < 0 {
		return s
	}
	j := strings.IndexByte(s[i:], '&')
	if j < 0 {
		return s[:i] + "pin-value=REDACTED"
	}
	return s[:i] + "pin-value=REDACTED" + s[i+j:]
}

func otherPart(query bool) string {
	if query {
		return "path"
	}
	return "query"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
