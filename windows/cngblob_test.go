package windows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/binary"
	"fmt"
	"math/big"
)

// cngPrivateBlob encodes a Go private key as a CNG private key blob
// (BCRYPT_RSAPRIVATE_BLOB or BCRYPT_ECCPRIVATE_BLOB) and returns the blob
// type name, for importing test keys with NCryptImportKey.
func cngPrivateBlob(key crypto.Signer) (string, []byte, error) {
	le := binary.LittleEndian
	switch k := key.(type) {
	case *rsa.PrivateKey:
		k.Precompute()
		e := big.NewInt(int64(k.E)).Bytes()
		n := k.N.Bytes()
		half := (len(n) + 1) / 2
		p, q := k.Primes[0].FillBytes(make([]byte, half)), k.Primes[1].FillBytes(make([]byte, half))
		b := make([]byte, 24)
		le.PutUint32(b[0:], 0x33415352) // BCRYPT_RSAFULLPRIVATE_MAGIC "RSA3"
		le.PutUint32(b[4:], uint32(k.N.BitLen()))
		le.PutUint32(b[8:], uint32(len(e)))
		le.PutUint32(b[12:], uint32(len(n)))
		le.PutUint32(b[16:], uint32(len(p)))
		le.PutUint32(b[20:], uint32(len(q)))
		b = append(append(append(append(b, e...), n...), p...), q...)
		b = append(b, k.Precomputed.Dp.FillBytes(make([]byte, half))...)
		b = append(b, k.Precomputed.Dq.FillBytes(make([]byte, half))...)
		b = append(b, k.Precomputed.Qinv.FillBytes(make([]byte, half))...)
		b = append(b, k.D.FillBytes(make([]byte, len(n)))...)
		return "RSAFULLPRIVATEBLOB", b, nil
	case *ecdsa.PrivateKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		var magic uint32
		switch size {
		case 32:
			magic = 0x32534345 // BCRYPT_ECDSA_PRIVATE_P256_MAGIC "ECS2"
		case 48:
			magic = 0x34534345 // BCRYPT_ECDSA_PRIVATE_P384_MAGIC "ECS4"
		case 66:
			magic = 0x36534345 // BCRYPT_ECDSA_PRIVATE_P521_MAGIC "ECS6"
		default:
			return "", nil, fmt.Errorf("curve of %d bytes", size)
		}
		b := make([]byte, 8, 8+3*size)
		le.PutUint32(b[0:], magic)
		le.PutUint32(b[4:], uint32(size))
		b = append(b, k.X.FillBytes(make([]byte, size))...)
		b = append(b, k.Y.FillBytes(make([]byte, size))...)
		b = append(b, k.D.FillBytes(make([]byte, size))...)
		return "ECCPRIVATEBLOB", b, nil
	}
	return "", nil, fmt.Errorf("unsupported key %T", key)
}
