package pkcs11

// Slot describes a slot of a module and the token in it.
type Slot struct {
	ID           uint       // CK_SLOT_ID
	Description  string     // CK_SLOT_INFO.slotDescription, trimmed
	Manufacturer string     // CK_SLOT_INFO.manufacturerID, trimmed
	Token        *TokenInfo // nil when no token is present
}

// TokenInfo describes a token (CK_TOKEN_INFO, strings trimmed).
type TokenInfo struct {
	Label           string
	Manufacturer    string
	Model           string
	Serial          string
	Flags           uint // CKF_* token flags
	MaxSessionCount uint // ulMaxSessionCount (0 = CK_UNAVAILABLE_INFORMATION or unlimited)
}

// CKF_TOKEN_INITIALIZED is the TokenInfo.Flags bit of an initialized token.
const CKF_TOKEN_INITIALIZED = 0x400

// Object is an object found by Module.FindObjects: its handle and the
// attributes that were asked for and could be read.
type Object struct {
	Handle uint            // CK_OBJECT_HANDLE, valid for the module instance that returned it
	Attrs  map[uint][]byte // attribute type → raw value; unreadable ones are absent
}
