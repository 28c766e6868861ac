package win32

import (
	"syscall"
	"unsafe"

	syswin "golang.org/x/sys/windows"
)

// SecurityStatus is an NCrypt SECURITY_STATUS (an HRESULT such as
// NTE_BAD_KEYSET); zero is success.
type SecurityStatus uint32

// Error returns the system message for the status.
func (s SecurityStatus) Error() string { return syscall.Errno(s).Error() }

func status(r uintptr) error {
	if uint32(r) == 0 {
		return nil
	}
	return SecurityStatus(uint32(r))
}

// findWithName resolves proc and converts name, the string argument of
// its call, to UTF-16.
func findWithName(proc *syswin.LazyProc, name string) (*uint16, error) {
	if err := proc.Find(); err != nil {
		return nil, err
	}
	return syswin.UTF16PtrFromString(name)
}

func bufPtr(b []byte) *byte {
	if len(b) == 0 {
		return nil
	}
	return &b[0]
}

// NCryptSignHash signs hash with key. padding points to a
// BCRYPT_*_PADDING_INFO (or is nil for ECDSA); flags is BCRYPT_PAD_PKCS1,
// BCRYPT_PAD_PSS or 0, or'ed with NCRYPT_SILENT_FLAG. With sig nil it
// returns the size needed.
func NCryptSignHash(key syswin.Handle, padding unsafe.Pointer, hash, sig []byte, flags uint32) (int, error) {
	if err := procNCryptSignHash.Find(); err != nil {
		return 0, err
	}
	var n uint32
	// hash, sig and n are Go memory kept alive across the call; padding
	// points at a caller-owned struct that outlives it.
	r, _, _ := syscall.SyscallN(procNCryptSignHash.Addr(), uintptr(key), uintptr(padding),
		uintptr(unsafe.Pointer(bufPtr(hash))), uintptr(len(hash)),
		uintptr(unsafe.Pointer(bufPtr(sig))), uintptr(len(sig)), uintptr(unsafe.Pointer(&n)), uintptr(flags))
	return int(n), status(r)
}

// NCryptDecrypt decrypts in with key (flags BCRYPT_PAD_PKCS1 or
// BCRYPT_PAD_OAEP with a BCRYPT_OAEP_PADDING_INFO). With out nil it returns
// the size needed.
func NCryptDecrypt(key syswin.Handle, in []byte, padding unsafe.Pointer, out []byte, flags uint32) (int, error) {
	if err := procNCryptDecrypt.Find(); err != nil {
		return 0, err
	}
	var n uint32
	// As in NCryptSignHash: all pointers reference live, caller-owned memory.
	r, _, _ := syscall.SyscallN(procNCryptDecrypt.Addr(), uintptr(key),
		uintptr(unsafe.Pointer(bufPtr(in))), uintptr(len(in)), uintptr(padding),
		uintptr(unsafe.Pointer(bufPtr(out))), uintptr(len(out)), uintptr(unsafe.Pointer(&n)), uintptr(flags))
	return int(n), status(r)
}

// NCryptGetProperty reads property name (NCRYPT_*_PROPERTY) of an NCrypt
// object into out; with out nil it returns the size needed.
func NCryptGetProperty(obj syswin.Handle, name string, out []byte, flags uint32) (int, error) {
	p, err := findWithName(procNCryptGetProperty, name)
	if err != nil {
		return 0, err
	}
	var n uint32
	// p, out and n are live Go memory for the duration of the call.
	r, _, _ := syscall.SyscallN(procNCryptGetProperty.Addr(), uintptr(obj), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(bufPtr(out))), uintptr(len(out)), uintptr(unsafe.Pointer(&n)), uintptr(flags))
	return int(n), status(r)
}

// NCryptSetProperty sets property name (e.g. NCRYPT_PIN_PROPERTY
// "SmartCardPin") of an NCrypt object to value.
func NCryptSetProperty(obj syswin.Handle, name string, value []byte, flags uint32) error {
	p, err := findWithName(procNCryptSetProperty, name)
	if err != nil {
		return err
	}
	// p and value are live Go memory for the duration of the call.
	r, _, _ := syscall.SyscallN(procNCryptSetProperty.Addr(), uintptr(obj), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(bufPtr(value))), uintptr(len(value)), uintptr(flags))
	return status(r)
}

// NCryptFreeObject frees an NCrypt key or provider handle.
func NCryptFreeObject(obj syswin.Handle) error {
	if err := procNCryptFreeObject.Find(); err != nil {
		return err
	}
	r, _, _ := syscall.SyscallN(procNCryptFreeObject.Addr(), uintptr(obj))
	return status(r)
}

// NCryptDeleteKey deletes a persisted key and frees its handle.
func NCryptDeleteKey(key syswin.Handle, flags uint32) error {
	if err := procNCryptDeleteKey.Find(); err != nil {
		return err
	}
	r, _, _ := syscall.SyscallN(procNCryptDeleteKey.Addr(), uintptr(key), uintptr(flags))
	return status(r)
}

// NCryptOpenStorageProvider opens a key storage provider by name (e.g.
// MS_KEY_STORAGE_PROVIDER, "Microsoft Software Key Storage Provider").
func NCryptOpenStorageProvider(name string) (syswin.Handle, error) {
	p, err := findWithName(procNCryptOpenStorageProvider, name)
	if err != nil {
		return 0, err
	}
	var h syswin.Handle
	// p and h are live Go memory for the duration of the call.
	r, _, _ := syscall.SyscallN(procNCryptOpenStorageProvider.Addr(), uintptr(unsafe.Pointer(&h)), uintptr(unsafe.Pointer(p)), 0)
	return h, status(r)
}

// NCryptImportKey imports an unnamed (ephemeral) key from a blob of type
// blobType (BCRYPT_RSAPRIVATE_BLOB "RSAPRIVATEBLOB",
// BCRYPT_ECCPRIVATE_BLOB "ECCPRIVATEBLOB").
func NCryptImportKey(prov syswin.Handle, blobType string, blob []byte, flags uint32) (syswin.Handle, error) {
	bt, err := findWithName(procNCryptImportKey, blobType)
	if err != nil {
		return 0, err
	}
	var h syswin.Handle
	// bt, blob and h are live Go memory for the duration of the call.
	r, _, _ := syscall.SyscallN(procNCryptImportKey.Addr(), uintptr(prov), 0, uintptr(unsafe.Pointer(bt)), 0,
		uintptr(unsafe.Pointer(&h)), uintptr(unsafe.Pointer(bufPtr(blob))), uintptr(len(blob)), uintptr(flags))
	return h, status(r)
}
