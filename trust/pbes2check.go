package trust

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
)

// Encrypted PKCS#8 keys are decrypted by github.com/youmark/pkcs8, which
// trusts the parameters it reads: an IV that is not one cipher block
// panics in crypto/cipher, ciphertext that is not whole blocks panics, and
// an attacker-chosen PBKDF2 iteration count or scrypt cost keeps the CPU
// or memory busy for as long as the attacker likes. checkPBES2 reads the
// parameters the way that package does and refuses all of these first.

// Limits on the key derivation of an encrypted PKCS#8 key. OpenSSL 3 uses
// 2048 PBKDF2 iterations or scrypt N=16384, r=8, p=1 (16 MiB); the caps
// leave room for keys made with far stronger settings while bounding the
// work a hostile file can ask for to a few seconds.
const (
	maxPBKDF2Iterations = 10_000_000
	maxScryptMemory     = 256 << 20 // 128·N·r bytes
	maxScryptP          = 4
)

// ErrKeyParameters is wrapped by the error for an encrypted key whose
// encryption parameters are malformed or exceed the limits.
var ErrKeyParameters error = errtext.New("trust", "unusable encryption parameters in the encrypted key")

var (
	oidPBES2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidDESEDE3   = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidAESPrefix = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1}
)

// The shapes github.com/youmark/pkcs8 decodes (trailing bytes ignored, as
// it does).
type epkInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

// pbkdf2ParamsFull is RFC 8018's PBKDF2-params, with the optional key
// length the decoder ignores (it always derives the cipher's key size).
type pbkdf2ParamsFull struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

type scryptParams struct {
	Salt    []byte
	N, R, P int
}

func keyParamErr(format string, a ...any) error {
	return errtext.With(ErrKeyParameters, ": "+fmt.Sprintf(format, a...))
}

// checkPBES2 refuses an ENCRYPTED PRIVATE KEY whose parameters would crash
// or stall the decoder.
func checkPBES2(der []byte) error {
	var info epkInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return keyParamErr("not a PKCS#8 EncryptedPrivateKeyInfo (%v)", err)
	}
	if !info.Algo.Algorithm.Equal(oidPBES2) {
		return keyParamErr("encrypted with %s; only PBES2 (PKCS#5 v2) is supported: re-encrypt with `openssl pkcs8 -topk8 -v2 aes-256-cbc`", info.Algo.Algorithm)
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &p); err != nil {
		return keyParamErr("malformed PBES2 parameters (%v)", err)
	}
	block, keySize, err := checkScheme(p.Scheme)
	if err != nil {
		return err
	}
	if len(info.Data) == 0 || len(info.Data)%block != 0 {
		return keyParamErr("the encrypted data is %d bytes, not a whole number of %d-byte cipher blocks", len(info.Data), block)
	}
	return checkKDF(p.KDF, keySize)
}

// aesKeySizes maps the last arc of an AES OID (CBC, and the GCM arcs the
// decoder also accepts) to its key size.
var aesKeySizes = map[int]int{2: 16, 6: 16, 22: 24, 26: 24, 42: 32, 46: 32}

// checkScheme checks the cipher's IV and returns its block and key sizes.
func checkScheme(s pkix.AlgorithmIdentifier) (block, keySize int, err error) {
	n := len(oidAESPrefix)
	switch {
	case s.Algorithm.Equal(oidDESEDE3):
		block, keySize = 8, 24
	case len(s.Algorithm) == n+1 && s.Algorithm[:n].Equal(oidAESPrefix) && aesKeySizes[s.Algorithm[n]] > 0:
		block, keySize = 16, aesKeySizes[s.Algorithm[n]]
	default:
		return 0, 0, keyParamErr("unsupported cipher %s (supported: AES-CBC, DES-EDE3-CBC)", s.Algorithm)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(s.Parameters.FullBytes, &iv); err != nil {
		return 0, 0, keyParamErr("malformed cipher parameters (%v)", err)
	}
	if len(iv) != block {
		return 0, 0, keyParamErr("the IV is %d bytes; the cipher needs %d", len(iv), block)
	}
	return block, keySize, nil
}

func checkKDF(kdf pkix.AlgorithmIdentifier, keySize int) error {
	switch {
	case kdf.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2ParamsFull
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return keyParamErr("malformed PBKDF2 parameters (%v)", err)
		}
		if p.Iterations < 1 || p.Iterations > maxPBKDF2Iterations {
			return keyParamErr("PBKDF2 iteration count %d is outside 1..%d", p.Iterations, maxPBKDF2Iterations)
		}
		if p.KeyLength != 0 && p.KeyLength != keySize {
			return keyParamErr("PBKDF2 key length %d does not match the cipher's %d-byte key", p.KeyLength, keySize)
		}
	case kdf.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return keyParamErr("malformed scrypt parameters (%v)", err)
		}
		if p.N < 2 || p.N&(p.N-1) != 0 || p.R < 1 || p.P < 1 || p.P > maxScryptP || p.N > maxScryptMemory/128/p.R {
			return keyParamErr("scrypt N=%d r=%d p=%d is outside the limits (N a power of two, 128·N·r at most %d MiB, p at most %d)",
				p.N, p.R, p.P, maxScryptMemory>>20, maxScryptP)
		}
	default:
		return keyParamErr("unsupported key derivation %s (supported: PBKDF2, scrypt)", kdf.Algorithm)
	}
	return nil
}
