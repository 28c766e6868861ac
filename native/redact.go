package native

import (
	"net/url"
	"strings"
)

// redacted replaces a secret in messages.
const redacted = "***"

// secretAttributes are URI attributes whose values are secrets, compared
// case-insensitively after percent-decoding the name.
var secretAttributes = map[string]bool{
	"pin-value": true, "pin": true, "password": true, "passwd": true, "pass": true,
	"passphrase": true, "secret": true, "pwd": true, "key-password": true,
}

// RedactURI returns uri, for messages and logs, with "***" for every secret
// it may carry: the value of a pin-value (password, passphrase, secret …)
// attribute, a "pass:" pin-source, and a URL's user password. The rest
// still says which key or file was meant. This package's errors show URIs
// only through RedactURI.
func RedactURI(uri string) string {
	uri = redactUserinfo(uri)
	var b strings.Builder
	start := 0
	for i := 0; i <= len(uri); i++ {
		if i < len(uri) && !isAttrSeparator(uri[i]) {
			continue
		}
		b.WriteString(redactAttribute(uri[start:i]))
		if i < len(uri) {
			b.WriteByte(uri[i])
		}
		start = i + 1
	}
	return b.String()
}

// isAttrSeparator reports whether c separates URI attributes: ';' in an
// RFC 7512 path, '?' and '&' in a query.
func isAttrSeparator(c byte) bool { return c == ';' || c == '?' || c == '&' }

// redactAttribute redacts one "name=value" attribute when it is a secret.
// The name may follow a scheme ("pkcs11:pin-value=…").
func redactAttribute(attr string) string {
	name, value, ok := strings.Cut(attr, "=")
	if !ok {
		return attr
	}
	prefix := ""
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		prefix, name = name[:i+1], name[i+1:]
	}
	key := name
	if u, err := url.PathUnescape(name); err == nil {
		key = u
	}
	key = strings.ToLower(key)
	switch {
	case secretAttributes[key]:
		return prefix + name + "=" + redacted
	case key == "pin-source" && isLiteralPasswordSource(value):
		return prefix + name + "=pass:" + redacted
	}
	return attr
}

// isLiteralPasswordSource reports whether a (possibly percent-encoded)
// password source is a literal "pass:" one.
func isLiteralPasswordSource(v string) bool {
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	return len(v) >= 5 && strings.EqualFold(v[:5], "pass:")
}

// userinfoPassword returns the byte range of the password in
// scheme://user:password@host, ok false when there is none.
func userinfoPassword(uri string) (start, end int, ok bool) {
	i := strings.Index(uri, "://")
	if i < 0 {
		return 0, 0, false
	}
	auth := uri[i+3:]
	if j := strings.IndexAny(auth, "/?#"); j >= 0 {
		auth = auth[:j]
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return 0, 0, false
	}
	colon := strings.IndexByte(auth[:at], ':')
	if colon < 0 {
		return 0, 0, false
	}
	return i + 3 + colon + 1, i + 3 + at, true
}

// redactUserinfo hides the password of scheme://user:password@host.
func redactUserinfo(uri string) string {
	if s, e, ok := userinfoPassword(uri); ok {
		return uri[:s] + redacted + uri[e:]
	}
	return uri
}

// secretsOf returns the secret values a URI carries (raw and
// percent-decoded), for scrubbing them out of messages that quote the URI
// in other spellings.
func secretsOf(uri string) []string {
	var out []string
	add := func(s string) {
		out = append(out, s)
		if u, err := url.PathUnescape(s); err == nil && u != s {
			out = append(out, u)
		}
	}
	if s, e, ok := userinfoPassword(uri); ok && e > s {
		add(uri[s:e])
	}
	// Attribute lists of the URI and of its redacted form line up (both
	// have the user information redacted): where they differ is a secret.
	orig, red := splitAttrs(redactUserinfo(uri)), splitAttrs(RedactURI(uri))
	for i := range orig {
		if i < len(red) && orig[i] != red[i] {
			if _, v, ok := strings.Cut(orig[i], "="); ok {
				add(v)
				if d, err := url.PathUnescape(v); err == nil && isLiteralPasswordSource(d) {
					add(d[5:])
				}
			}
		}
	}
	return out
}

func splitAttrs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && isAttrSeparator(byte(r)) })
}

// scrub returns msg with every secret of uri replaced by "***": the URI
// itself by its redacted form first, then any secret value quoted another
// way (values shorter than 3 bytes are left, as replacing them would
// garble the message without hiding anything a reader could not guess).
func scrub(msg string, uris ...string) string {
	for _, uri := range uris {
		if r := RedactURI(uri); r != uri {
			msg = strings.ReplaceAll(msg, uri, r)
		}
	}
	var secrets []string
	for _, uri := range uris {
		for _, s := range secretsOf(uri) {
			if len(s) >= 3 {
				msg = strings.ReplaceAll(msg, s, redacted)
				if strings.Trim(s, "*") != "" {
					secrets = append(secrets, s)
				}
			}
		}
	}
	// Repeat until no secret is left: a marker next to the rest of the
	// message can spell a secret again ("000" in "00000" leaves "***00",
	// which holds the secret "*00"). Each replacement removes characters
	// other than '*' (secrets of '*' only were replaced once above), so
	// this ends.
	for changed := true; changed; {
		changed = false
		for _, s := range secrets {
			if strings.Contains(msg, s) {
				msg, changed = strings.ReplaceAll(msg, s, redacted), true
			}
		}
	}
	return msg
}

// redactedError is an error whose message has the secrets of the URIs it
// concerns scrubbed; Unwrap returns the original for errors.Is and As.
type redactedError struct {
	err  error
	uris []string
}

func (e *redactedError) Error() string { return scrub(e.err.Error(), e.uris...) }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr wraps err so its message hides the secrets of uris; it returns
// err itself when no URI carries a secret.
func redactErr(err error, uris ...string) error {
	if err == nil {
		return nil
	}
	for _, u := range uris {
		if RedactURI(u) != u {
			return &redactedError{err: err, uris: uris}
		}
	}
	return err
}

// RedactError returns err with the secrets of uris (see RedactURI)
// scrubbed from its message, for programs that print errors of other
// packages about a URI the user gave (package pkcs11's, say). The result
// unwraps to err. It returns err itself when no URI carries a secret.
func RedactError(err error, uris ...string) error { return redactErr(err, uris...) }
