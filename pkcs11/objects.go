package pkcs11

// TokenURI returns the URI naming a token: token label, manufacturer,
// model and serial, plus module-path when given.
func TokenURI(ti *TokenInfo, modulePath string) *URI {
	return &URI{Token: ti.Label, Manufacturer: ti.Manufacturer, Model: ti.Model, Serial: ti.Serial, ModulePath: modulePath}
}

// ObjectInfo describes a key or certificate on a token, for listing.
type ObjectInfo struct {
	Type    string // URI type: "private", "public", "cert", "secret-key" or "data"
	Label   string // CKA_LABEL
	ID      []byte // CKA_ID
	KeyType string // "RSA", "EC", "EC_EDWARDS" for keys
	URI     string // the object's pkcs11: URI (no PIN)
}
