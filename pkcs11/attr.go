package pkcs11

import (
	"crypto/rand"
	"encoding/binary"
	"io"
)

// ulong decodes a CK_ULONG attribute value (native byte order, 4 or 8
// bytes); it returns ^uint(0) for any other length.
func ulong(b []byte) uint {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b))
	case 4:
		return uint(binary.NativeEndian.Uint32(b))
	}
	return ^uint(0)
}

// ULong decodes a CK_ULONG attribute value such as CKA_CLASS,
// CKA_TRUST_SERVER_AUTH or CKA_CERTIFICATE_CATEGORY; ok is false when the
// value has the wrong length.
func ULong(b []byte) (v uint, ok bool) {
	v = ulong(b)
	return v, len(b) == 4 || len(b) == 8
}

// readRand fills b from r, or crypto/rand when r is nil.
func readRand(r io.Reader, b []byte) (int, error) {
	if r == nil {
		r = rand.Reader
	}
	return io.ReadFull(r, b)
}
