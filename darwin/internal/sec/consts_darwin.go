package sec

// Global constants read from the frameworks by Load. CFStringRef and
// CFBooleanRef constants are owned by the frameworks: never release them.
var (
	// kCFTypeArrayCallBacks and friends are addresses of callback structs.
	kCFTypeArrayCallBacks           uintptr
	kCFTypeDictionaryKeyCallBacks   uintptr
	kCFTypeDictionaryValueCallBacks uintptr

	KCFBooleanTrue  Ref // kCFBooleanTrue
	KCFBooleanFalse Ref // kCFBooleanFalse

	KSecClass                     Ref // kSecClass
	KSecClassIdentity             Ref // kSecClassIdentity
	KSecClassCertificate          Ref // kSecClassCertificate
	KSecReturnRef                 Ref // kSecReturnRef
	KSecReturnAttributes          Ref // kSecReturnAttributes
	KSecMatchLimit                Ref // kSecMatchLimit
	KSecMatchLimitAll             Ref // kSecMatchLimitAll
	KSecMatchSearchList           Ref // kSecMatchSearchList (macOS file keychains)
	KSecAttrLabel                 Ref // kSecAttrLabel
	KSecAttrApplicationLabel      Ref // kSecAttrApplicationLabel
	KSecAttrApplicationTag        Ref // kSecAttrApplicationTag
	KSecAttrTokenID               Ref // kSecAttrTokenID
	KSecValueRef                  Ref // kSecValueRef
	KSecUseKeychain               Ref // kSecUseKeychain
	KSecUseDataProtectionKeychain Ref // kSecUseDataProtectionKeychain (macOS 10.15+; 0 if missing)
	KSecPolicyOid                 Ref // kSecPolicyOid
	KSecPolicyName                Ref // kSecPolicyName
)

func loadConstants() error {
	var err error
	addrs := []struct {
		dst  *uintptr
		name string
	}{
		{&kCFTypeArrayCallBacks, "kCFTypeArrayCallBacks"},
		{&kCFTypeDictionaryKeyCallBacks, "kCFTypeDictionaryKeyCallBacks"},
		{&kCFTypeDictionaryValueCallBacks, "kCFTypeDictionaryValueCallBacks"},
	}
	for _, a := range addrs {
		if *a.dst, err = symbolAddr(cfLib, a.name); err != nil {
			return err
		}
	}
	refs := []struct {
		lib      *uintptr
		dst      *Ref
		name     string
		optional bool
	}{
		{&cfLib, &KCFBooleanTrue, "kCFBooleanTrue", false},
		{&cfLib, &KCFBooleanFalse, "kCFBooleanFalse", false},
		{&secLib, &KSecClass, "kSecClass", false},
		{&secLib, &KSecClassIdentity, "kSecClassIdentity", false},
		{&secLib, &KSecClassCertificate, "kSecClassCertificate", false},
		{&secLib, &KSecReturnRef, "kSecReturnRef", false},
		{&secLib, &KSecReturnAttributes, "kSecReturnAttributes", false},
		{&secLib, &KSecMatchLimit, "kSecMatchLimit", false},
		{&secLib, &KSecMatchLimitAll, "kSecMatchLimitAll", false},
		{&secLib, &KSecMatchSearchList, "kSecMatchSearchList", false},
		{&secLib, &KSecAttrLabel, "kSecAttrLabel", false},
		{&secLib, &KSecAttrApplicationLabel, "kSecAttrApplicationLabel", false},
		{&secLib, &KSecAttrApplicationTag, "kSecAttrApplicationTag", false},
		{&secLib, &KSecAttrTokenID, "kSecAttrTokenID", false},
		{&secLib, &KSecValueRef, "kSecValueRef", false},
		{&secLib, &KSecUseKeychain, "kSecUseKeychain", false},
		{&secLib, &KSecUseDataProtectionKeychain, "kSecUseDataProtectionKeychain", true},
		{&secLib, &KSecPolicyOid, "kSecPolicyOid", false},
		{&secLib, &KSecPolicyName, "kSecPolicyName", false},
	}
	for _, r := range refs {
		v, err := symbolRef(*r.lib, r.name)
		if err != nil {
			if r.optional {
				continue
			}
			return err
		}
		*r.dst = v
	}
	return nil
}
