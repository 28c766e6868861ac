package windows

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"io"
	"unsafe"

	"github.com/nativetls/nativetls/internal/errtext"
	"github.com/nativetls/nativetls/windows/internal/win32"
	syswin "golang.org/x/sys/windows"
)

// openKey finds the certificate u names and opens its CNG key.
func openKey(u *CAPIURI, opts *KeyOptions) (*Key, error) {
	store, err := openStore(u.Location, u.Store, true)
	if err != nil {
		return nil, &KeyError{URI: u.String(), Op: "open", Err: err}
	}
	defer win32.CertCloseStore(store)
	var lastErr *KeyError
	for c := win32.CertEnumCertificatesInStore(store, nil); c != nil; c = win32.CertEnumCertificatesInStore(store, c) {
		x, err := x509.ParseCertificate(win32.CertContextBytes(c))
		if err != nil || !u.Matches(x) {
			continue
		}
		k, kerr := acquireKey(u, opts, c, x)
		if kerr == nil {
			win32.CertFreeCertificateContext(c) // ends the enumeration early
			return k, nil
		}
		lastErr = kerr
	}
	if lastErr != nil {
		return nil, lastErr
	}
	return nil, &KeyError{URI: u.String(), Op: "open", Err: errtext.With(ErrKeyNotFound, fmt.Sprintf(": no certificate in %s\\%s matches", u.Location, u.Store))}
}

// acquireKey opens the CNG key of c (the certificate x).
func acquireKey(u *CAPIURI, opts *KeyOptions, c *syswin.CertContext, x *x509.Certificate) (*Key, *KeyError) {
	const flags = syswin.CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG | syswin.CRYPT_ACQUIRE_SILENT_FLAG
	h, spec, mustFree, err := win32.CryptAcquireCertificatePrivateKey(c, flags)
	if err != nil {
		return nil, keyError(u.String(), "open", "CryptAcquireCertificatePrivateKey", errCode(err), err)
	}
	if spec != syswin.CERT_NCRYPT_KEY_SPEC {
		if mustFree {
			win32.CryptReleaseContext(h) // a legacy HCRYPTPROV, not an NCrypt handle
		}
		return nil, &KeyError{URI: u.String(), Op: "open", API: "CryptAcquireCertificatePrivateKey", Err: ErrKeyNotCNG}
	}
	k := &Key{uri: u.String(), pub: x.PublicKey, handle: uintptr(h), mustFree: mustFree}
	switch x.PublicKey.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		k.Close()
		return nil, &KeyError{URI: u.String(), Op: "open", Err: errtext.With(ErrKeyNotSupported, fmt.Sprintf(": %T keys are not supported (RSA and ECDSA are)", x.PublicKey))}
	}
	if pin := opts.pin(u); pin != "" {
		if err := win32.NCryptSetProperty(h, "SmartCardPin", utf16Bytes(pin), win32.NCRYPT_SILENT_FLAG); err != nil { // NCRYPT_PIN_PROPERTY
			k.Close()
			return nil, keyError(u.String(), "open", "NCryptSetProperty(NCRYPT_PIN_PROPERTY)", errCode(err), err)
		}
	}
	k.provider = providerName(h)
	k.chain = chainOf(c, x)
	return k, nil
}

// utf16Bytes is s as NUL-terminated little-endian UTF-16 bytes.
func utf16Bytes(s string) []byte {
	u, _ := syswin.UTF16FromString(s)
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// providerName reads the key's storage provider name, "" if unavailable.
func providerName(key syswin.Handle) string {
	// NCRYPT_PROVIDER_HANDLE_PROPERTY is an NCRYPT_PROV_HANDLE: pointer
	// sized, 4 bytes on 386 and arm, 8 on amd64 and arm64.
	buf := make([]byte, handleSize)
	n, err := win32.NCryptGetProperty(key, "Provider Handle", buf, 0)
	if err != nil {
		return ""
	}
	h, ok := handleFromProperty(buf[:n])
	if !ok {
		return ""
	}
	prov := syswin.Handle(h)
	defer win32.NCryptFreeObject(prov)
	name := make([]byte, 512)
	n, err = win32.NCryptGetProperty(prov, "Name", name, 0) // NCRYPT_NAME_PROPERTY
	if err != nil || n < 2 {
		return ""
	}
	u16 := make([]uint16, n/2)
	for i := range u16 {
		u16[i] = binary.LittleEndian.Uint16(name[2*i:])
	}
	return syswin.UTF16ToString(u16)
}

// chainOf builds c's chain from the local stores only (no network) for
// Key.Chain; the self-signed root is left out, as TLS peers expect.
func chainOf(c *syswin.CertContext, x *x509.Certificate) []*x509.Certificate {
	var para syswin.CertChainPara
	para.Size = uint32(unsafe.Sizeof(para))
	cc, err := win32.CertGetCertificateChain(0, c, nil, 0, &para, chainCacheOnlyURLRetrieval)
	if err != nil {
		return []*x509.Certificate{x}
	}
	defer win32.CertFreeCertificateChain(cc)
	b, err := copyChain(cc, []*x509.Certificate{x})
	if err != nil || len(b.Certs) == 0 {
		return []*x509.Certificate{x}
	}
	certs := b.Certs
	if top := certs[len(certs)-1]; len(certs) > 1 && string(top.RawIssuer) == string(top.RawSubject) {
		certs = certs[:len(certs)-1]
	}
	return certs
}

// sign is Sign after its checks, with k.mu held for reading.
func (k *Key) sign(digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	switch k.pub.(type) {
	case *rsa.PublicKey:
		return k.signRSA(digest, opts)
	case *ecdsa.PublicKey:
		rs, err := k.signHash(nil, digest, 0)
		if err != nil {
			return nil, err
		}
		return ecdsaASN1(rs)
	}
	return nil, &KeyError{URI: k.uri, Op: "sign", Err: ErrKeyNotSupported}
}

func (k *Key) signRSA(digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	alg, err := hashAlgID(opts.HashFunc())
	if err != nil {
		return nil, &KeyError{URI: k.uri, Op: "sign", Err: errtext.With(ErrKeyNotSupported, fmt.Sprintf(": %v", err))}
	}
	var algID *uint16
	if alg != "" {
		algID, _ = syswin.UTF16PtrFromString(alg)
	}
	if pss, ok := opts.(*rsa.PSSOptions); ok {
		salt, err := pssSaltLength(pss, opts.HashFunc())
		if err != nil || alg == "" {
			return nil, &KeyError{URI: k.uri, Op: "sign", Err: errtext.With(ErrKeyBadInput, ": PSS needs a SHA-2 hash and a valid salt length")}
		}
		info := win32.BcryptPSSPaddingInfo{AlgID: algID, Salt: salt}
		// info lives until signHash returns; CNG only reads it.
		return k.signHash(unsafe.Pointer(&info), digest, win32.BCRYPT_PAD_PSS)
	}
	info := win32.BcryptPKCS1PaddingInfo{AlgID: algID}
	// As above: info outlives the call.
	return k.signHash(unsafe.Pointer(&info), digest, win32.BCRYPT_PAD_PKCS1)
}

// signHash signs digest with NCryptSignHash.
func (k *Key) signHash(padding unsafe.Pointer, digest []byte, flags uint32) ([]byte, error) {
	return k.sized("sign", "NCryptSignHash", func(sig []byte) (int, error) {
		return win32.NCryptSignHash(syswin.Handle(k.handle), padding, digest, sig, flags|win32.NCRYPT_SILENT_FLAG)
	})
}

// sized runs an NCrypt call that fills a buffer twice: with none, for the
// size, then with a buffer of that size. A failure is a KeyError naming op
// and api.
func (k *Key) sized(op, api string, call func(out []byte) (int, error)) ([]byte, error) {
	n, err := call(nil)
	if err == nil {
		out := make([]byte, n)
		if n, err = call(out); err == nil {
			return out[:n], nil
		}
	}
	return nil, keyError(k.uri, op, api, errCode(err), err)
}

// decryptMsg is Decrypt after its checks, with k.mu held for reading.
func (k *Key) decryptMsg(rand io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	if o, ok := opts.(*rsa.OAEPOptions); ok {
		alg, err := hashAlgID(o.Hash)
		if err != nil || alg == "" {
			return nil, &KeyError{URI: k.uri, Op: "decrypt", Err: errtext.With(ErrKeyNotSupported, fmt.Sprintf(": OAEP hash %v", o.Hash))}
		}
		algID, _ := syswin.UTF16PtrFromString(alg)
		info := win32.BcryptOAEPPaddingInfo{AlgID: algID}
		if len(o.Label) > 0 {
			info.Label, info.Size = &o.Label[0], uint32(len(o.Label))
		}
		// info and the label it points to outlive the call.
		return k.decrypt(unsafe.Pointer(&info), msg, win32.BCRYPT_PAD_OAEP)
	}
	out, err := k.decrypt(nil, msg, win32.BCRYPT_PAD_PKCS1)
	if o, ok := opts.(*rsa.PKCS1v15DecryptOptions); ok && o.SessionKeyLen > 0 && (err != nil || len(out) != o.SessionKeyLen) {
		key := make([]byte, o.SessionKeyLen)
		if _, rerr := io.ReadFull(rand, key); rerr != nil {
			return nil, rerr
		}
		return key, nil
	}
	return out, err
}

// decrypt decrypts msg with NCryptDecrypt.
func (k *Key) decrypt(padding unsafe.Pointer, msg []byte, flags uint32) ([]byte, error) {
	return k.sized("decrypt", "NCryptDecrypt", func(out []byte) (int, error) {
		return win32.NCryptDecrypt(syswin.Handle(k.handle), msg, padding, out, flags|win32.NCRYPT_SILENT_FLAG)
	})
}

// release frees the NCrypt key handle; k.mu is held.
func (k *Key) release() error {
	if k.mustFree && k.handle != 0 {
		if err := win32.NCryptFreeObject(syswin.Handle(k.handle)); err != nil {
			return keyError(k.uri, "close", "NCryptFreeObject", errCode(err), err)
		}
	}
	k.handle = 0
	return nil
}
