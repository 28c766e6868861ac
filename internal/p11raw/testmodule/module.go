//go:build p11testmodule

// Command testmodule is a small PKCS#11 module for tests, built as a
// shared library (-buildmode=c-shared), e.g. a Windows DLL with mingw
// (ci/wine/build-p11module.sh). At C_Initialize it loads, from the
// directory in $NATIVETLS_P11TEST_DIR, ec.pem/ec.key (an ECDSA P-256 key,
// CKA_ID 01) and rsa.pem/rsa.key (an RSA key, CKA_ID 02), PEM certificate
// and PKCS#8 key, and ca.pem if present. Its one token "wine-test" has
// user PIN 1234 and signs with CKM_ECDSA, CKM_RSA_PKCS and
// CKM_RSA_PKCS_PSS. Nothing here is for production use.
package main

/*
#cgo CFLAGS: -I/usr/include/p11-kit-1 -DCRYPTOKI_EXPORTS
#include <p11-kit/pkcs11.h>
*/
import "C"

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"unsafe"
)

func main() {}

type object struct {
	attrs   map[uint][]byte
	private bool
	key     crypto.Signer
}

type session struct {
	find    []C.CK_OBJECT_HANDLE
	finding bool
	tmpl    map[uint][]byte
	signing bool
	mech    uint
	key     *object
	hash    crypto.Hash
	salt    int
}

var st = struct {
	sync.Mutex
	init     bool
	loggedIn bool
	objects  []*object
	sessions map[C.CK_SESSION_HANDLE]*session
	next     C.CK_SESSION_HANDLE
}{}

const testPIN = "1234"

func ulong(v uint) []byte {
	b := make([]byte, unsafe.Sizeof(C.CK_ULONG(0)))
	if len(b) == 4 {
		binary.NativeEndian.PutUint32(b, uint32(v))
	} else {
		binary.NativeEndian.PutUint64(b, uint64(v))
	}
	return b
}

var (
	bTrue  = []byte{1}
	bFalse = []byte{0}
	p256   = []byte{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}
)

// load reads NAME.pem and NAME.key and adds the certificate and key.
func load(dir, name string, id []byte) error {
	cb, err := os.ReadFile(filepath.Join(dir, name+".pem"))
	if err != nil {
		return err
	}
	blk, _ := pem.Decode(cb)
	if blk == nil {
		return os.ErrInvalid
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return err
	}
	st.objects = append(st.objects, &object{attrs: map[uint][]byte{
		C.CKA_CLASS: ulong(C.CKO_CERTIFICATE), C.CKA_CERTIFICATE_TYPE: ulong(C.CKC_X_509), C.CKA_TOKEN: bTrue,
		C.CKA_PRIVATE: bFalse, C.CKA_LABEL: []byte(name), C.CKA_ID: id, C.CKA_VALUE: cert.Raw,
		C.CKA_SUBJECT: cert.RawSubject, C.CKA_ISSUER: cert.RawIssuer,
	}})
	kb, err := os.ReadFile(filepath.Join(dir, name+".key"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if blk, _ = pem.Decode(kb); blk == nil {
		return os.ErrInvalid
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return err
	}
	signer := k.(crypto.Signer)
	spki, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return err
	}
	a := map[uint][]byte{
		C.CKA_CLASS: ulong(C.CKO_PRIVATE_KEY), C.CKA_TOKEN: bTrue, C.CKA_PRIVATE: bTrue, C.CKA_SENSITIVE: bTrue,
		C.CKA_SIGN: bTrue, C.CKA_LABEL: []byte(name), C.CKA_ID: id, C.CKA_PUBLIC_KEY_INFO: spki,
	}
	switch pk := signer.(type) {
	case *ecdsa.PrivateKey:
		a[C.CKA_KEY_TYPE], a[C.CKA_EC_PARAMS] = ulong(C.CKK_EC), p256
	case *rsa.PrivateKey:
		a[C.CKA_KEY_TYPE], a[C.CKA_MODULUS] = ulong(C.CKK_RSA), pk.N.Bytes()
		a[C.CKA_PUBLIC_EXPONENT] = []byte{1, 0, 1}
	}
	st.objects = append(st.objects, &object{attrs: a, private: true, key: signer})
	return nil
}

//export goInitialized
func goInitialized() C.CK_BBOOL {
	st.Lock()
	defer st.Unlock()
	if st.init {
		return 1
	}
	return 0
}

//export goInitialize
func goInitialize(args unsafe.Pointer) C.CK_RV {
	st.Lock()
	defer st.Unlock()
	if st.init {
		return C.CKR_CRYPTOKI_ALREADY_INITIALIZED
	}
	dir := os.Getenv("NATIVETLS_P11TEST_DIR")
	st.objects = nil
	for _, k := range []struct {
		name string
		id   []byte
	}{{"ec", []byte{1}}, {"rsa", []byte{2}}, {"ca", []byte("ca")}} {
		if err := load(dir, k.name, k.id); err != nil && !(k.name == "ca" && os.IsNotExist(err)) {
			return C.CKR_GENERAL_ERROR
		}
	}
	st.init, st.loggedIn = true, false
	st.sessions = map[C.CK_SESSION_HANDLE]*session{}
	return C.CKR_OK
}

//export goFinalize
func goFinalize(reserved unsafe.Pointer) C.CK_RV {
	st.Lock()
	defer st.Unlock()
	if !st.init {
		return C.CKR_CRYPTOKI_NOT_INITIALIZED
	}
	st.init, st.sessions, st.objects = false, nil, nil
	return C.CKR_OK
}
