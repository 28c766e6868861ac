package trust

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/youmark/pkcs8"
)

// PasswordFunc supplies the password of an encrypted private key. Loaders
// call it only when the key is encrypted, at most once per key.
type PasswordFunc func() ([]byte, error)

// Password returns a PasswordFunc that always yields p.
func Password(p string) PasswordFunc {
	return func() ([]byte, error) { return []byte(p), nil }
}

// SignatureSchemer is implemented by private keys that can do only some
// signature schemes (an HSM or TPM key without RSA-PSS, say). TLS contexts
// offer only these schemes for such keys.
type SignatureSchemer interface {
	SupportedSignatureSchemes() []tls.SignatureScheme
}

// KeyError reports a private key that could not be loaded.
type KeyError struct {
	Source string // file path, URI or "buffer"
	Err    error
}

func (e *KeyError) Error() string {
	s := e.Source
	if s == "" {
		s = "buffer"
	}
	return fmt.Sprintf("trust: cannot load private key from %s: %s", s, errtext.Bare("trust", e.Err))
}

// Unwrap returns the cause.
func (e *KeyError) Unwrap() error { return e.Err }

// Errors about encrypted keys, usable with errors.Is.
var (
	ErrKeyEncrypted      error = errtext.New("trust", "the key is encrypted and no password was given (pass a PasswordFunc)")
	ErrIncorrectPassword error = errtext.New("trust", "incorrect password (or corrupt encrypted key)")
	ErrNoPrivateKey      error = errtext.New("trust", "no private key found (expected PEM PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY, or DER PKCS#8/PKCS#1/SEC1)")
)

// ParsePrivateKey reads one private key from PEM or DER: PKCS#1 (RSA),
// PKCS#8 (RSA, ECDSA, Ed25519), SEC1 (EC), encrypted PKCS#8 (PBES2) and
// legacy encrypted PEM (Proc-Type: 4,ENCRYPTED). password is called only
// when the key is encrypted; it may be nil for plaintext keys.
func ParsePrivateKey(data []byte, password PasswordFunc) (crypto.Signer, error) {
	return parsePrivateKey(data, password, "buffer")
}

// LoadPrivateKey reads the private key in the file at path: a regular file
// of at most safefile.DefaultMax (16 MiB), otherwise an error wrapping
// safefile.ErrNotRegular or safefile.ErrTooLarge.
func LoadPrivateKey(path string, password PasswordFunc) (crypto.Signer, error) {
	data, err := safefile.Read(path, 0)
	if err != nil {
		return nil, &KeyError{Source: path, Err: err}
	}
	return parsePrivateKey(data, password, path)
}

func parsePrivateKey(data []byte, password PasswordFunc, source string) (k crypto.Signer, err error) {
	defer func() {
		// The last line: no key file, however made, may crash the program.
		if r := recover(); r != nil {
			k, err = nil, &KeyError{Source: source, Err: errtext.With(ErrNoPrivateKey, fmt.Sprintf(": the key could not be parsed (internal error: %v)", r))}
		}
	}()
	if !isPEM(data) {
		k, err := parseDERKey(data)
		if err != nil {
			return nil, &KeyError{Source: source, Err: err}
		}
		return k, nil
	}
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, &KeyError{Source: source, Err: ErrNoPrivateKey}
		}
		k, err := parsePEMKey(block, password)
		if errors.Is(err, errNotAKey) {
			continue
		}
		if err != nil {
			return nil, &KeyError{Source: source, Err: err}
		}
		return k, nil
	}
}

var errNotAKey = errors.New("not a key block")

func parsePEMKey(block *pem.Block, password PasswordFunc) (crypto.Signer, error) {
	switch block.Type {
	case "ENCRYPTED PRIVATE KEY":
		pw, err := askPassword(password)
		if err != nil {
			return nil, err
		}
		return decryptPKCS8(block.Bytes, pw)
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		der := block.Bytes
		//lint:ignore SA1019 legacy encrypted PEM is still produced by `openssl genrsa -aes256`; we only read it.
		if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck
			pw, err := askPassword(password)
			if err != nil {
				return nil, err
			}
			der, err = x509.DecryptPEMBlock(block, pw) //nolint:staticcheck
			if err != nil {
				return nil, errtext.With(ErrIncorrectPassword, ": "+err.Error())
			}
			// Legacy PEM encryption has no integrity check: about one
			// wrong password in 200 decrypts to garbage with valid
			// padding. Garbage is a wrong password, not "no key here".
			k, err := parseDERKey(der)
			if err != nil {
				return nil, errtext.With(ErrIncorrectPassword, ": the decrypted data is not a key")
			}
			return k, nil
		}
		return parseDERKey(der)
	}
	return nil, errNotAKey
}

// decryptPKCS8 decrypts an ENCRYPTED PRIVATE KEY after checkPBES2 has
// vetted its parameters; a panic in the decoder that the check missed is
// still turned into an error.
func decryptPKCS8(der, pw []byte) (k crypto.Signer, err error) {
	if err := checkPBES2(der); err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, errtext.With(ErrIncorrectPassword, ": the password is empty")
	}
	defer func() {
		if r := recover(); r != nil {
			k, err = nil, errtext.With(ErrKeyParameters, fmt.Sprintf(": the PKCS#8 decoder failed on it (%v)", r))
		}
	}()
	key, err := pkcs8.ParsePKCS8PrivateKey(der, pw)
	if err != nil {
		return nil, errtext.With(ErrIncorrectPassword, ": "+err.Error())
	}
	return asSigner(key)
}

func askPassword(password PasswordFunc) ([]byte, error) {
	if password == nil {
		return nil, ErrKeyEncrypted
	}
	pw, err := password()
	if err != nil {
		return nil, fmt.Errorf("getting the key password: %w", err)
	}
	return pw, nil
}

func parseDERKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return asSigner(k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, ErrNoPrivateKey
}

func asSigner(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case crypto.Signer:
		return k, nil
	}
	return nil, fmt.Errorf("unsupported private key type %T", k)
}
