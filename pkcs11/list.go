package pkcs11

import (
	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// Tokens lists the slots with a token in the module at modulePath (""
// means p11-kit-proxy.so). TokenURI gives each token's URI.
func Tokens(modulePath string) ([]Slot, error) {
	path, err := resolveModule(modulePath, &URI{})
	if err != nil {
		return nil, err
	}
	m, err := LoadModule(path, "")
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return m.Slots(true)
}

var classTypes = map[uint]string{
	p11.CKO_DATA: "data", p11.CKO_CERTIFICATE: "cert", p11.CKO_PUBLIC_KEY: "public",
	p11.CKO_PRIVATE_KEY: "private", p11.CKO_SECRET_KEY: "secret-key",
}

var keyTypeNames = map[uint]string{p11.CKK_RSA: "RSA", p11.CKK_EC: "EC", p11.CKK_EC_EDWARDS: "EC_EDWARDS"}

// ListObjects lists the objects on the token the URI selects that match
// its object, id and type attributes. Private objects are listed only when
// a PIN is available (pin-value, pin-source or opts.PIN).
func ListObjects(uri string, opts *Options) ([]ObjectInfo, error) {
	u, t, err := openTokenForReading(uri, "", "", opts)
	if err != nil {
		return nil, err
	}
	defer t.close()
	tmpl := objectTemplate(u)
	for c, name := range classTypes {
		if u.Type == name {
			tmpl = append(tmpl, p11.NewAttribute(p11.CKA_CLASS, c))
		}
	}
	var out []ObjectInfo
	err = t.do(func(sh p11.SessionHandle) error {
		hs, err := findHandles(t.ctx, sh, tmpl, 0)
		if err != nil {
			return t.err("C_FindObjects", err, u.Redacted())
		}
		out = out[:0]
		for _, h := range hs {
			a, err := readAttrs(t.ctx, sh, h, []uint{p11.CKA_CLASS, p11.CKA_LABEL, p11.CKA_ID, p11.CKA_KEY_TYPE})
			if err != nil {
				return t.err("C_GetAttributeValue", err, u.Redacted())
			}
			typ, ok := classTypes[ulong(a[p11.CKA_CLASS])]
			if !ok {
				continue
			}
			oi := ObjectInfo{Type: typ, Label: string(a[p11.CKA_LABEL]), ID: a[p11.CKA_ID]}
			if kt, ok := a[p11.CKA_KEY_TYPE]; ok {
				oi.KeyType = keyTypeNames[ulong(kt)]
			}
			ou := TokenURI(&t.info, t.mod.path)
			ou.Object, ou.ID, ou.Type = oi.Label, oi.ID, typ
			oi.URI = ou.String()
			out = append(out, oi)
		}
		return nil
	}, nil)
	return out, err
}

// openTokenForReading parses uri (refusing a type other than want, unless
// want is "": see parseTypedURI) and opens the token it selects for
// reading public objects: without a PIN source it does not log in
// (private objects then stay hidden) instead of failing for lack of a PIN.
func openTokenForReading(uri, want, what string, opts *Options) (*URI, *token, error) {
	u, err := parseTypedURI(uri, want, what)
	if err != nil {
		return nil, nil, err
	}
	t, err := openToken(u, opts)
	if err != nil {
		return nil, nil, err
	}
	if !hasPINSource(u, opts) {
		t.mu.Lock()
		t.info.Flags &^= p11.CKF_LOGIN_REQUIRED
		t.mu.Unlock()
	}
	return u, t, nil
}

// objectTemplate is the search template for the URI's object (label) and
// id attributes.
func objectTemplate(u *URI) []*p11.Attribute {
	var tmpl []*p11.Attribute
	if u.Has("object") {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_LABEL, u.Object))
	}
	if u.Has("id") {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_ID, u.ID))
	}
	return tmpl
}
