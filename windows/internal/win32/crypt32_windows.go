package win32

import (
	"runtime"
	"syscall"
	"unsafe"

	syswin "golang.org/x/sys/windows"
)

// CertOpenSystemStore opens a system store by name (CertOpenStore with
// CERT_STORE_PROV_SYSTEM_W); location is CERT_SYSTEM_STORE_CURRENT_USER or
// CERT_SYSTEM_STORE_LOCAL_MACHINE, possibly or'ed with
// CERT_STORE_READONLY_FLAG / CERT_STORE_OPEN_EXISTING_FLAG.
func CertOpenSystemStore(flags uint32, name string) (syswin.Handle, error) {
	return certOpenNamedStore(syswin.CERT_STORE_PROV_SYSTEM, flags, name)
}

// CertOpenSystemRegistryStore opens the registry (physical) part of a
// system store (CertOpenStore with CERT_STORE_PROV_SYSTEM_REGISTRY_W): only
// that location's certificates, and writable.
func CertOpenSystemRegistryStore(flags uint32, name string) (syswin.Handle, error) {
	return certOpenNamedStore(syswin.CERT_STORE_PROV_SYSTEM_REGISTRY, flags, name)
}

// certOpenNamedStore calls CertOpenStore with a provider whose para is a
// store name.
func certOpenNamedStore(provider uintptr, flags uint32, name string) (syswin.Handle, error) {
	p, err := syswin.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	// The name reaches the syscall as a uintptr through an ordinary
	// function, which does not keep p alive: KeepAlive does, until after
	// the call.
	h, err := syswin.CertOpenStore(provider, 0, 0, flags, uintptr(unsafe.Pointer(p)))
	runtime.KeepAlive(p)
	return h, err
}

// CertOpenMemoryStore opens an empty in-memory store (CertOpenStore with
// CERT_STORE_PROV_MEMORY).
func CertOpenMemoryStore() (syswin.Handle, error) {
	return syswin.CertOpenStore(syswin.CERT_STORE_PROV_MEMORY, 0, 0, 0, 0)
}

// CertOpenCollectionStore opens an empty collection store (CertOpenStore
// with CERT_STORE_PROV_COLLECTION).
func CertOpenCollectionStore() (syswin.Handle, error) {
	return syswin.CertOpenStore(syswin.CERT_STORE_PROV_COLLECTION, 0, 0, 0, 0)
}

// CertCloseStore closes a store handle.
func CertCloseStore(store syswin.Handle) error { return syswin.CertCloseStore(store, 0) }

// CertAddStoreToCollection adds sibling to the collection store.
func CertAddStoreToCollection(collection, sibling syswin.Handle) error {
	if err := procCertAddStoreToCollection.Find(); err != nil {
		return err
	}
	r, _, e := syscall.SyscallN(procCertAddStoreToCollection.Addr(), uintptr(collection), uintptr(sibling), 0, 0)
	if r == 0 {
		return e
	}
	return nil
}

// CertCreateCertificateContext makes a certificate context from DER
// (X509_ASN_ENCODING). crypt32 copies the bytes.
func CertCreateCertificateContext(der []byte) (*syswin.CertContext, error) {
	if len(der) == 0 {
		return nil, syswin.ERROR_INVALID_PARAMETER
	}
	return syswin.CertCreateCertificateContext(syswin.X509_ASN_ENCODING|syswin.PKCS_7_ASN_ENCODING, &der[0], uint32(len(der)))
}

// CertFreeCertificateContext releases a certificate context.
func CertFreeCertificateContext(c *syswin.CertContext) error {
	return syswin.CertFreeCertificateContext(c)
}

// CertDuplicateCertificateContext adds a reference to c.
func CertDuplicateCertificateContext(c *syswin.CertContext) *syswin.CertContext {
	return syswin.CertDuplicateCertificateContext(c)
}

// CertAddCertificateContextToStore adds c to store with the given
// disposition (CERT_STORE_ADD_*); no context is returned.
func CertAddCertificateContextToStore(store syswin.Handle, c *syswin.CertContext, disposition uint32) error {
	return syswin.CertAddCertificateContextToStore(store, c, disposition, nil)
}

// CertEnumCertificatesInStore returns the certificate after prev (nil: the
// first); it frees prev. A nil result ends the enumeration.
func CertEnumCertificatesInStore(store syswin.Handle, prev *syswin.CertContext) *syswin.CertContext {
	c, _ := syswin.CertEnumCertificatesInStore(store, prev)
	return c
}

// CertFindCertificateInStore finds the next certificate after prev that
// matches findType / para; it frees prev.
func CertFindCertificateInStore(store syswin.Handle, findType uint32, para unsafe.Pointer, prev *syswin.CertContext) (*syswin.CertContext, error) {
	return syswin.CertFindCertificateInStore(store, syswin.X509_ASN_ENCODING|syswin.PKCS_7_ASN_ENCODING, 0, findType, para, prev)
}

// CertDeleteCertificateFromStore deletes c from its store and frees c.
func CertDeleteCertificateFromStore(c *syswin.CertContext) error {
	return syswin.CertDeleteCertificateFromStore(c)
}

// CertSetCertificateContextProperty sets property id (CERT_*_PROP_ID) of
// c to the blob value.
func CertSetCertificateContextProperty(c *syswin.CertContext, id uint32, value []byte) error {
	if err := procCertSetCertificateContextProperty.Find(); err != nil {
		return err
	}
	if len(value) == 0 {
		return syswin.ERROR_INVALID_PARAMETER
	}
	blob := syswin.CryptDataBlob{Size: uint32(len(value)), Data: &value[0]}
	// &blob is converted in the syscall expression; value is reached only
	// through blob.Data, so it is kept alive explicitly. crypt32 copies it.
	r, _, e := syscall.SyscallN(procCertSetCertificateContextProperty.Addr(), uintptr(unsafe.Pointer(c)), uintptr(id), 0, uintptr(unsafe.Pointer(&blob)))
	runtime.KeepAlive(value)
	if r == 0 {
		return e
	}
	return nil
}

// CertGetCertificateContextProperty reads property id (CERT_*_PROP_ID) of
// c; CRYPT_E_NOT_FOUND when c has no such property.
func CertGetCertificateContextProperty(c *syswin.CertContext, id uint32) ([]byte, error) {
	if err := procCertGetCertificateContextProperty.Find(); err != nil {
		return nil, err
	}
	var n uint32
	// First call: size only; n is live Go memory.
	r, _, e := syscall.SyscallN(procCertGetCertificateContextProperty.Addr(), uintptr(unsafe.Pointer(c)), uintptr(id), 0, uintptr(unsafe.Pointer(&n)))
	if r == 0 {
		return nil, e
	}
	buf := make([]byte, n)
	if n == 0 {
		return buf, nil
	}
	// Second call: buf holds n bytes and stays alive across the call.
	r, _, e = syscall.SyscallN(procCertGetCertificateContextProperty.Addr(), uintptr(unsafe.Pointer(c)), uintptr(id), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)))
	if r == 0 {
		return nil, e
	}
	return buf[:n], nil
}

// CertCreateCertificateChainEngine creates a chain engine from cfg.
func CertCreateCertificateChainEngine(cfg *CertChainEngineConfig) (syswin.Handle, error) {
	if err := procCertCreateCertificateChainEngine.Find(); err != nil {
		return 0, err
	}
	var h syswin.Handle
	// cfg and h are Go values that stay alive (and unmoved) across the call.
	r, _, e := syscall.SyscallN(procCertCreateCertificateChainEngine.Addr(), uintptr(unsafe.Pointer(cfg)), uintptr(unsafe.Pointer(&h)))
	if r == 0 {
		return 0, e
	}
	return h, nil
}

// CertFreeCertificateChainEngine frees a chain engine.
func CertFreeCertificateChainEngine(engine syswin.Handle) {
	if procCertFreeCertificateChainEngine.Find() == nil {
		syscall.SyscallN(procCertFreeCertificateChainEngine.Addr(), uintptr(engine))
	}
}

// CertGetCertificateChain builds a chain for leaf with engine (0: the
// default current-user engine) at time t (nil: now), also searching extra.
func CertGetCertificateChain(engine syswin.Handle, leaf *syswin.CertContext, t *syswin.Filetime, extra syswin.Handle, para *syswin.CertChainPara, flags uint32) (*syswin.CertChainContext, error) {
	var chain *syswin.CertChainContext
	if err := syswin.CertGetCertificateChain(engine, leaf, t, extra, para, flags, 0, &chain); err != nil {
		return nil, err
	}
	return chain, nil
}

// CertFreeCertificateChain frees a chain context.
func CertFreeCertificateChain(chain *syswin.CertChainContext) { syswin.CertFreeCertificateChain(chain) }

// CertVerifyCertificateChainPolicy checks chain against policy
// (CERT_CHAIN_POLICY_SSL, CERT_CHAIN_POLICY_BASE …); the verdict is in
// status.Error.
func CertVerifyCertificateChainPolicy(policy uintptr, chain *syswin.CertChainContext, para *syswin.CertChainPolicyPara, status *syswin.CertChainPolicyStatus) error {
	return syswin.CertVerifyCertificateChainPolicy(policy, chain, para, status)
}

// PFXImportCertStore imports a PKCS#12 blob into a temporary store,
// persisting its keys as flags say (PKCS12_*, CRYPT_USER_KEYSET …).
func PFXImportCertStore(pfx []byte, password string, flags uint32) (syswin.Handle, error) {
	if len(pfx) == 0 {
		return 0, syswin.ERROR_INVALID_PARAMETER
	}
	pw, err := syswin.UTF16PtrFromString(password)
	if err != nil {
		return 0, err
	}
	blob := syswin.CryptDataBlob{Size: uint32(len(pfx)), Data: &pfx[0]}
	h, err := syswin.PFXImportCertStore(&blob, pw, flags)
	runtime.KeepAlive(pfx)
	return h, err
}

// CryptAcquireCertificatePrivateKey returns the key handle of c's private
// key, its key spec (CERT_NCRYPT_KEY_SPEC for CNG) and whether the caller
// must free it.
func CryptAcquireCertificatePrivateKey(c *syswin.CertContext, flags uint32) (key syswin.Handle, keySpec uint32, mustFree bool, err error) {
	err = syswin.CryptAcquireCertificatePrivateKey(c, flags, nil, &key, &keySpec, &mustFree)
	return key, keySpec, mustFree, err
}

// CryptReleaseContext releases a legacy CryptoAPI provider handle (what
// CryptAcquireCertificatePrivateKey returns for a non-CNG key).
func CryptReleaseContext(prov syswin.Handle) error { return syswin.CryptReleaseContext(prov, 0) }

// CertContextBytes copies the DER encoding out of c.
func CertContextBytes(c *syswin.CertContext) []byte {
	if c == nil || c.EncodedCert == nil || c.Length == 0 {
		return nil
	}
	// EncodedCert points to Length bytes owned by crypt32 for the life of
	// c; the copy is taken before c can be freed.
	return append([]byte(nil), unsafe.Slice(c.EncodedCert, c.Length)...)
}
