package linux

import (
	"bytes"
	"encoding/asn1"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/nativetls/nativetls/internal/p11raw"
)

// This file reads p11-kit's persist format (".p11-kit" files, the
// "[p11-kit-object-v1]" sections Fedora and RHEL ship in
// /usr/share/pki/ca-trust-source) into the attribute maps the p11-kit
// module would serve for them, so the Fedora layout can take the fast
// path. It takes untrusted bytes (FuzzParsePersist). Anything it does not
// fully understand is an errPersistUnsupported: the caller then lets the
// module parse the tree, so the fast path never answers differently from
// p11-kit by guessing.

// errPersistUnsupported means the data uses something the fast path does
// not model; the p11-kit module must read it.
var errPersistUnsupported = errors.New("persist data the fast path does not model")

// persistHeader is the only section p11-kit reads.
const persistHeader = "[p11-kit-object-v1]"

// persistKind says how a persist attribute's value is read.
type persistKind int

const (
	pkBytes persistKind = iota // "quoted, %XX-escaped" bytes
	pkBool                     // true / false
	pkULong                    // a decimal number
	pkClass                    // an object class name
	pkConst                    // another constant name (category, type): read, not used
	pkOID                      // a dotted object identifier
)

// dropped marks attributes the trust decision does not use: checked for
// form, then dropped (CKA_CLASS is 0, so 0 cannot mean "none").
const dropped = ^uint(0)

// persistAttrs are the attributes accepted, by their p11-kit names.
var persistAttrs = map[string]struct {
	typ  uint // the attribute type, or dropped
	kind persistKind
}{
	"class":                      {p11raw.CKA_CLASS, pkClass},
	"label":                      {p11raw.CKA_LABEL, pkBytes},
	"value":                      {p11raw.CKA_VALUE, pkBytes},
	"trusted":                    {p11raw.CKA_TRUSTED, pkBool},
	"x-distrusted":               {p11raw.CKA_X_DISTRUSTED, pkBool},
	"object-id":                  {p11raw.CKA_OBJECT_ID, pkOID},
	"public-key-info":            {p11raw.CKA_PUBLIC_KEY_INFO, pkBytes},
	"issuer":                     {p11raw.CKA_ISSUER, pkBytes},
	"serial-number":              {p11raw.CKA_SERIAL_NUMBER, pkBytes},
	"nss-server-distrust-after":  {p11raw.CKA_NSS_SERVER_DISTRUST_AFTER, pkBytes},
	"x-critical":                 {dropped, pkBool},
	"subject":                    {dropped, pkBytes},
	"id":                         {dropped, pkBytes},
	"url":                        {dropped, pkBytes},
	"check-value":                {dropped, pkBytes},
	"start-date":                 {dropped, pkBytes},
	"end-date":                   {dropped, pkBytes},
	"hash-of-subject-public-key": {dropped, pkBytes},
	"hash-of-issuer-public-key":  {dropped, pkBytes},
	"nss-email-distrust-after":   {dropped, pkBytes},
	"certificate-category":       {dropped, pkConst},
	"certificate-type":           {dropped, pkConst},
	"java-midp-security-domain":  {dropped, pkULong},
	"private":                    {dropped, pkBool},
	"modifiable":                 {dropped, pkBool},
	"token":                      {dropped, pkBool},
	"nss-mozilla-ca-policy":      {dropped, pkBool},
}

// persistClasses are the object classes the fast path models.
var persistClasses = map[string]uint{
	"certificate":             p11raw.CKO_CERTIFICATE,
	"x-certificate-extension": p11raw.CKO_X_CERTIFICATE_EXTENSION,
	"nss-builtin-root-list":   p11raw.CKO_NSS_BUILTIN_ROOT_LIST,
}

// persistConsts are the constant values accepted for pkConst attributes.
var persistConsts = map[string]bool{"authority": true, "other-entity": true, "unspecified": true,
	"token-user": true, "x-509": true, "x-509-attr-cert": true, "wtls": true}

// persistMaxObjects bounds the objects of one file (a distribution bundle
// has a few hundred).
const persistMaxObjects = 100000

// parsePersist reads every object of a persist file. An error wrapping
// errPersistUnsupported means the module must read the file; other errors
// describe malformed data (which the module would skip or refuse too, but
// the fast path does not try to match its recovery either).
func parsePersist(data []byte) ([]map[uint][]byte, error) {
	var objs []map[uint][]byte
	var cur map[uint][]byte
	lines := data
	for lineNo := 1; len(lines) > 0; lineNo++ {
		var line []byte
		line, lines = cutLine(lines)
		s := strings.TrimSpace(string(line))
		switch {
		case s == "" || s[0] == '#':
			continue
		case s[0] == '[':
			if s != persistHeader {
				return nil, fmt.Errorf("line %d: section %q: %w", lineNo, s, errPersistUnsupported)
			}
			if len(objs) >= persistMaxObjects {
				return nil, fmt.Errorf("more than %d objects: %w", persistMaxObjects, errPersistUnsupported)
			}
			cur = map[uint][]byte{}
			objs = append(objs, cur)
		case strings.HasPrefix(s, "-----BEGIN "):
			if cur == nil {
				return nil, fmt.Errorf("line %d: PEM block outside an object", lineNo)
			}
			rest, n, err := persistPEM(cur, line, lines)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			lines, lineNo = rest, lineNo+n
		default:
			if cur == nil {
				return nil, fmt.Errorf("line %d: field outside an object", lineNo)
			}
			if err := persistField(cur, s); err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
		}
	}
	return objs, nil
}

// cutLine splits off the first line (without its newline).
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// persistPEM reads one PEM block starting at first and merges it into obj
// without replacing attributes already set, as p11-kit does: CERTIFICATE
// gives the class and value, PUBLIC KEY the public key info. It returns
// the lines after the block and how many lines it consumed.
func persistPEM(obj map[uint][]byte, first, rest []byte) ([]byte, int, error) {
	end := bytes.Index(rest, []byte("-----END "))
	if end < 0 {
		return nil, 0, errors.New("PEM block without its END line")
	}
	_, after := cutLine(rest[end:])
	block, tail := pem.Decode(append(append(append([]byte{}, first...), '\n'), rest[:len(rest)-len(after)]...))
	if block == nil || len(bytes.TrimSpace(tail)) != 0 || len(block.Headers) != 0 {
		return nil, 0, errors.New("invalid PEM block")
	}
	n := bytes.Count(rest[:len(rest)-len(after)], []byte("\n"))
	setDefault := func(t uint, v []byte) {
		if _, ok := obj[t]; !ok {
			obj[t] = v
		}
	}
	switch block.Type {
	case "CERTIFICATE":
		setDefault(p11raw.CKA_CLASS, ulongBytes(p11raw.CKO_CERTIFICATE))
		setDefault(p11raw.CKA_VALUE, block.Bytes)
	case "PUBLIC KEY":
		setDefault(p11raw.CKA_PUBLIC_KEY_INFO, block.Bytes)
	default:
		return nil, 0, fmt.Errorf("PEM block %q: %w", block.Type, errPersistUnsupported)
	}
	return after, n, nil
}

// persistField reads one "name: value" line into obj.
func persistField(obj map[uint][]byte, s string) error {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Errorf("%q is not a name: value field", truncate(s))
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	spec, known := persistAttrs[name]
	if !known {
		return fmt.Errorf("attribute %q: %w", truncate(name), errPersistUnsupported)
	}
	v, err := persistValue(spec.kind, value)
	if err != nil {
		return fmt.Errorf("attribute %s: %w", name, err)
	}
	if spec.typ != dropped {
		obj[spec.typ] = v
	}
	return nil
}

// persistValue decodes a value of the given kind.
func persistValue(kind persistKind, v string) ([]byte, error) {
	switch kind {
	case pkBytes:
		if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			if v == "false" { // nss-server-distrust-after: false means none
				return []byte{0}, nil
			}
			return nil, fmt.Errorf("value %q: %w", truncate(v), errPersistUnsupported)
		}
		// p11-kit's %XX escapes; every other byte stands for itself,
		// as in a URL path segment.
		d, err := url.PathUnescape(v[1 : len(v)-1])
		if err != nil {
			return nil, err
		}
		return []byte(d), nil
	case pkBool:
		switch v {
		case "true":
			return []byte{1}, nil
		case "false":
			return []byte{0}, nil
		}
	case pkULong:
		if n, err := strconv.ParseUint(v, 10, 32); err == nil {
			return ulongBytes(uint(n)), nil
		}
	case pkClass:
		if c, ok := persistClasses[v]; ok {
			return ulongBytes(c), nil
		}
		return nil, fmt.Errorf("class %q: %w", truncate(v), errPersistUnsupported)
	case pkConst:
		if persistConsts[v] {
			return nil, nil
		}
	case pkOID:
		return parseDottedOID(v)
	}
	return nil, fmt.Errorf("value %q: %w", truncate(v), errPersistUnsupported)
}

// parseDottedOID encodes "2.5.29.37" as a DER OBJECT IDENTIFIER.
func parseDottedOID(v string) ([]byte, error) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 64 {
		return nil, fmt.Errorf("object id %q: %w", truncate(v), errPersistUnsupported)
	}
	oid := make(asn1.ObjectIdentifier, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 31)
		if err != nil || (len(p) > 1 && p[0] == '0') {
			return nil, fmt.Errorf("object id %q: %w", truncate(v), errPersistUnsupported)
		}
		oid[i] = int(n)
	}
	der, err := asn1.Marshal(oid)
	if err != nil {
		return nil, fmt.Errorf("object id %q: %w", truncate(v), errPersistUnsupported)
	}
	return der, nil
}

// ulongBytes encodes a CK_ULONG as the module returns it.
func ulongBytes(v uint) []byte {
	return binary.NativeEndian.AppendUint64(nil, uint64(v))
}

// truncate shortens a value quoted in an error.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// asn1MarshalOID encodes an object identifier.
func asn1MarshalOID(oid asn1.ObjectIdentifier) ([]byte, error) { return asn1.Marshal(oid) }
