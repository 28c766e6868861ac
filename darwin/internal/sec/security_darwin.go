package sec

var (
	secCertificateCreateWithData        func(Ref, Ref) Ref
	secCertificateCopyData              func(Ref) Ref
	secCertificateGetTypeID             func() uint
	secPolicyCreateSSL                  func(bool, Ref) Ref
	secPolicyCreateBasicX509            func() Ref
	secPolicyCreateRevocation           func(uint) Ref
	secPolicyCopyProperties             func(Ref) Ref
	secPolicyGetTypeID                  func() uint
	secTrustCreateWithCertificates      func(Ref, Ref, *Ref) Status
	secTrustSetVerifyDate               func(Ref, Ref) Status
	secTrustSetNetworkFetchAllowed      func(Ref, bool) Status
	secTrustSetOCSPResponse             func(Ref, Ref) Status
	secTrustSetAnchorCertificates       func(Ref, Ref) Status
	secTrustSetAnchorCertificatesOnly   func(Ref, bool) Status
	secTrustEvaluateWithError           func(Ref, *Ref) bool
	secTrustCopyCertificateChain        func(Ref) Ref // macOS 12+
	secTrustGetCertificateCount         func(Ref) int
	secTrustGetCertificateAtIndex       func(Ref, int) Ref
	secTrustCopyResult                  func(Ref) Ref
	secTrustCopyAnchorCertificates      func(*Ref) Status
	secTrustSettingsCopyCertificates    func(uint32, *Ref) Status
	secTrustSettingsCopyTrustSettings   func(Ref, uint32, *Ref) Status
	secTrustSettingsSetTrustSettings    func(Ref, uint32, Ref) Status
	secTrustSettingsRemoveTrustSettings func(Ref, uint32) Status
	secItemCopyMatching                 func(Ref, *Ref) Status
	secItemAdd                          func(Ref, *Ref) Status
	secItemDelete                       func(Ref) Status
	secIdentityCopyCertificate          func(Ref, *Ref) Status
	secIdentityCopyPrivateKey           func(Ref, *Ref) Status
	secKeyCreateSignature               func(Ref, Ref, Ref, *Ref) Ref
	secKeyCopyAttributes                func(Ref) Ref
	secKeyIsAlgorithmSupported          func(Ref, int, Ref) bool
	secKeychainOpen                     func(string, *Ref) Status
	secKeychainCreate                   func(string, uint32, *byte, bool, Ref, *Ref) Status
	secKeychainUnlock                   func(Ref, uint32, *byte, bool) Status
	secKeychainDelete                   func(Ref) Status
	secCopyErrorMessageString           func(Status, uintptr) Ref
)

var secFuncs = []binding{
	{&secCertificateCreateWithData, "SecCertificateCreateWithData", false},
	{&secCertificateCopyData, "SecCertificateCopyData", false},
	{&secCertificateGetTypeID, "SecCertificateGetTypeID", false},
	{&secPolicyCreateSSL, "SecPolicyCreateSSL", false},
	{&secPolicyCreateBasicX509, "SecPolicyCreateBasicX509", false},
	{&secPolicyCreateRevocation, "SecPolicyCreateRevocation", false},
	{&secPolicyCopyProperties, "SecPolicyCopyProperties", false},
	{&secPolicyGetTypeID, "SecPolicyGetTypeID", false},
	{&secTrustCreateWithCertificates, "SecTrustCreateWithCertificates", false},
	{&secTrustSetVerifyDate, "SecTrustSetVerifyDate", false},
	{&secTrustSetNetworkFetchAllowed, "SecTrustSetNetworkFetchAllowed", false},
	{&secTrustSetOCSPResponse, "SecTrustSetOCSPResponse", false},
	{&secTrustSetAnchorCertificates, "SecTrustSetAnchorCertificates", false},
	{&secTrustSetAnchorCertificatesOnly, "SecTrustSetAnchorCertificatesOnly", false},
	{&secTrustEvaluateWithError, "SecTrustEvaluateWithError", false},
	{&secTrustCopyCertificateChain, "SecTrustCopyCertificateChain", true},
	{&secTrustGetCertificateCount, "SecTrustGetCertificateCount", false},
	{&secTrustGetCertificateAtIndex, "SecTrustGetCertificateAtIndex", true},
	{&secTrustCopyResult, "SecTrustCopyResult", false},
	{&secTrustCopyAnchorCertificates, "SecTrustCopyAnchorCertificates", false},
	{&secTrustSettingsCopyCertificates, "SecTrustSettingsCopyCertificates", false},
	{&secTrustSettingsCopyTrustSettings, "SecTrustSettingsCopyTrustSettings", false},
	{&secTrustSettingsSetTrustSettings, "SecTrustSettingsSetTrustSettings", false},
	{&secTrustSettingsRemoveTrustSettings, "SecTrustSettingsRemoveTrustSettings", false},
	{&secItemCopyMatching, "SecItemCopyMatching", false},
	{&secItemAdd, "SecItemAdd", false},
	{&secItemDelete, "SecItemDelete", false},
	{&secIdentityCopyCertificate, "SecIdentityCopyCertificate", false},
	{&secIdentityCopyPrivateKey, "SecIdentityCopyPrivateKey", false},
	{&secKeyCreateSignature, "SecKeyCreateSignature", false},
	{&secKeyCopyAttributes, "SecKeyCopyAttributes", false},
	{&secKeyIsAlgorithmSupported, "SecKeyIsAlgorithmSupported", false},
	{&secKeychainOpen, "SecKeychainOpen", false},
	{&secKeychainCreate, "SecKeychainCreate", false},
	{&secKeychainUnlock, "SecKeychainUnlock", false},
	{&secKeychainDelete, "SecKeychainDelete", false},
	{&secCopyErrorMessageString, "SecCopyErrorMessageString", false},
}

// SecCertificateCreateWithData parses DER (in a CFData) into a
// SecCertificateRef, or returns 0 if it is not a certificate. Create rule.
func SecCertificateCreateWithData(data Ref) Ref {
	return secCertificateCreateWithData(kCFAllocatorDefault, data)
}

// SecCertificateCopyData returns the certificate's DER as a CFData. Copy rule.
func SecCertificateCopyData(cert Ref) Ref { return secCertificateCopyData(cert) }

// SecCertificateGetTypeID returns the CFTypeID of SecCertificate.
func SecCertificateGetTypeID() uint { return secCertificateGetTypeID() }

// SecPolicyCreateSSL returns the SSL policy: server true checks a server's
// certificate for hostname (a CFString, or 0 for no name check). Create rule.
func SecPolicyCreateSSL(server bool, hostname Ref) Ref { return secPolicyCreateSSL(server, hostname) }

// SecPolicyCreateBasicX509 returns the basic X.509 policy (chain and
// validity only, no network access of its own). Create rule.
func SecPolicyCreateBasicX509() Ref { return secPolicyCreateBasicX509() }

// SecPolicyCreateRevocation returns a revocation policy with the
// kSecRevocation* flags. Create rule.
func SecPolicyCreateRevocation(flags uint) Ref { return secPolicyCreateRevocation(flags) }

// SecPolicyCopyProperties returns a dictionary with kSecPolicyOid and
// kSecPolicyName. Copy rule.
func SecPolicyCopyProperties(p Ref) Ref { return secPolicyCopyProperties(p) }

// SecPolicyGetTypeID returns the CFTypeID of SecPolicy.
func SecPolicyGetTypeID() uint { return secPolicyGetTypeID() }

// SecTrustCreateWithCertificates makes a trust object for certs (a CFArray
// of SecCertificateRef, leaf first) under policies (a CFArray of
// SecPolicyRef). Create rule for the trust object.
func SecTrustCreateWithCertificates(certs, policies Ref) (Ref, Status) {
	var t Ref
	st := secTrustCreateWithCertificates(certs, policies, &t)
	return t, st
}

// SecTrustSetVerifyDate sets the verification time (a CFDate).
func SecTrustSetVerifyDate(t, date Ref) Status { return secTrustSetVerifyDate(t, date) }

// SecTrustSetNetworkFetchAllowed allows or forbids trustd to fetch
// intermediates and revocation data.
func SecTrustSetNetworkFetchAllowed(t Ref, allow bool) Status {
	return secTrustSetNetworkFetchAllowed(t, allow)
}

// SecTrustSetOCSPResponse gives a stapled OCSP response (CFData, or a
// CFArray of them).
func SecTrustSetOCSPResponse(t, resp Ref) Status { return secTrustSetOCSPResponse(t, resp) }

// SecTrustSetAnchorCertificates sets custom anchors (a CFArray of
// SecCertificateRef); by itself it makes them the only anchors.
func SecTrustSetAnchorCertificates(t, anchors Ref) Status {
	return secTrustSetAnchorCertificates(t, anchors)
}

// SecTrustSetAnchorCertificatesOnly false re-enables the system anchors
// after SecTrustSetAnchorCertificates.
func SecTrustSetAnchorCertificatesOnly(t Ref, only bool) Status {
	return secTrustSetAnchorCertificatesOnly(t, only)
}

// SecTrustEvaluateWithError evaluates; on failure it returns false and a
// CFError the caller owns (Copy rule; 0 if none).
func SecTrustEvaluateWithError(t Ref) (bool, Ref) {
	var e Ref
	ok := secTrustEvaluateWithError(t, &e)
	return ok, e
}

// SecTrustCopyCertificateChain returns the evaluated chain, leaf first, as
// a new CFArray (Copy rule). Before macOS 12 it is emulated with
// SecTrustGetCertificateCount/AtIndex into a new array.
func SecTrustCopyCertificateChain(t Ref) Ref {
	if secTrustCopyCertificateChain != nil {
		return secTrustCopyCertificateChain(t)
	}
	arr := CFArrayCreateMutable()
	if secTrustGetCertificateAtIndex == nil {
		return arr
	}
	for i := 0; i < secTrustGetCertificateCount(t); i++ {
		CFArrayAppendValue(arr, secTrustGetCertificateAtIndex(t, i))
	}
	return arr
}

// SecTrustCopyResult returns the evaluation details as a CFDictionary
// (Copy rule), or 0.
func SecTrustCopyResult(t Ref) Ref { return secTrustCopyResult(t) }

// SecTrustCopyAnchorCertificates returns the system's anchors as a CFArray
// (Copy rule).
func SecTrustCopyAnchorCertificates() (Ref, Status) {
	var a Ref
	st := secTrustCopyAnchorCertificates(&a)
	return a, st
}

// SecTrustSettingsCopyCertificates returns the certificates that have
// trust settings in domain (0 user, 1 admin, 2 system) as a CFArray (Copy
// rule); errSecNoTrustSettings when there are none.
func SecTrustSettingsCopyCertificates(domain uint32) (Ref, Status) {
	var a Ref
	st := secTrustSettingsCopyCertificates(domain, &a)
	return a, st
}

// SecTrustSettingsCopyTrustSettings returns cert's usage-constraints array
// in domain (Copy rule).
func SecTrustSettingsCopyTrustSettings(cert Ref, domain uint32) (Ref, Status) {
	var a Ref
	st := secTrustSettingsCopyTrustSettings(cert, domain, &a)
	return a, st
}

// SecTrustSettingsSetTrustSettings replaces cert's usage-constraints array
// in domain; the user is asked to authorize the change.
func SecTrustSettingsSetTrustSettings(cert Ref, domain uint32, settings Ref) Status {
	return secTrustSettingsSetTrustSettings(cert, domain, settings)
}

// SecTrustSettingsRemoveTrustSettings deletes cert's settings in domain.
func SecTrustSettingsRemoveTrustSettings(cert Ref, domain uint32) Status {
	return secTrustSettingsRemoveTrustSettings(cert, domain)
}

// SecItemCopyMatching runs a keychain query; the result (a reference, a
// dictionary or an array, per the query) follows the Copy rule.
func SecItemCopyMatching(query Ref) (Ref, Status) {
	var r Ref
	st := secItemCopyMatching(query, &r)
	return r, st
}

// SecItemAdd adds a keychain item described by attrs.
func SecItemAdd(attrs Ref) Status { return secItemAdd(attrs, nil) }

// SecItemDelete deletes the items matching query.
func SecItemDelete(query Ref) Status { return secItemDelete(query) }

// SecIdentityCopyCertificate returns the identity's certificate (Copy rule).
func SecIdentityCopyCertificate(id Ref) (Ref, Status) {
	var c Ref
	st := secIdentityCopyCertificate(id, &c)
	return c, st
}

// SecIdentityCopyPrivateKey returns the identity's private key (Copy rule).
func SecIdentityCopyPrivateKey(id Ref) (Ref, Status) {
	var k Ref
	st := secIdentityCopyPrivateKey(id, &k)
	return k, st
}

// SecKeyCreateSignature signs data (a CFData) with algorithm (a
// SecKeyAlgorithm CFString). It returns the signature (Create rule) or 0
// and a CFError (Copy rule).
func SecKeyCreateSignature(key, algorithm, data Ref) (sig, cfErr Ref) {
	sig = secKeyCreateSignature(key, algorithm, data, &cfErr)
	return sig, cfErr
}

// SecKeyCopyAttributes returns the key's attributes (Copy rule).
func SecKeyCopyAttributes(key Ref) Ref { return secKeyCopyAttributes(key) }

// SecKeyIsAlgorithmSupported reports whether key can sign
// (kSecKeyOperationTypeSign) with algorithm.
func SecKeyIsAlgorithmSupported(key, algorithm Ref) bool {
	const kSecKeyOperationTypeSign = 0
	return secKeyIsAlgorithmSupported(key, kSecKeyOperationTypeSign, algorithm)
}

// SecKeychainOpen opens the keychain file at path (Create rule). It
// succeeds even if the file does not exist; use it to find out.
func SecKeychainOpen(path string) (Ref, Status) {
	var k Ref
	st := secKeychainOpen(path, &k)
	return k, st
}

// SecKeychainCreate creates a keychain file protected by password
// (Create rule). Used by tests to avoid the user's keychains.
func SecKeychainCreate(path, password string) (Ref, Status) {
	var k Ref
	pw := []byte(password + "\x00")
	st := secKeychainCreate(path, uint32(len(password)), &pw[0], false, 0, &k)
	return k, st
}

// SecKeychainUnlock unlocks a keychain with its password.
func SecKeychainUnlock(kc Ref, password string) Status {
	pw := []byte(password + "\x00")
	return secKeychainUnlock(kc, uint32(len(password)), &pw[0], true)
}

// SecKeychainDelete deletes the keychain file and removes it from the
// search list.
func SecKeychainDelete(kc Ref) Status { return secKeychainDelete(kc) }

// SecCopyErrorMessageString returns the system's text for an OSStatus, or
// "" when it has none.
func SecCopyErrorMessageString(st Status) string {
	s := secCopyErrorMessageString(st, 0)
	defer CFRelease(s)
	return CFStringGo(s)
}
