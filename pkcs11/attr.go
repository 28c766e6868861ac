package pkcs11

import (
	"crypto/rand"
	"io"

	p11 "github.com/nativetls/nativetls/internal/p11raw"
)

// ulong decodes a CK_ULONG attribute value (native byte order, 4 or 8
// bytes); it returns ^uint(0) for any other length.
func ulong(b []byte) uint {
	v, _ := p11.ULong(b)
	return v
}

// readRand fills b from r, or crypto/rand when r is nil.
func readRand(r io.Reader, b []byte) (int, error) {
	if r == nil {
		r = rand.Reader
	}
	return io.ReadFull(r, b)
}
