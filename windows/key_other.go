//go:build !windows

package windows

import (
	"crypto"
	"io"
)

// Sign implements crypto.Signer; on this OS it returns ErrUnsupported.
func (k *Key) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return nil, ErrUnsupported
}

// Decrypt implements crypto.Decrypter; on this OS it returns ErrUnsupported.
func (k *Key) Decrypt(rand io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	return nil, ErrUnsupported
}

// Close frees the key handle.
func (k *Key) Close() error { return nil }
