//go:build p11testmodule

package main

/*
#cgo CFLAGS: -I/usr/include/p11-kit-1 -DCRYPTOKI_EXPORTS
#include <p11-kit/pkcs11.h>
*/
import "C"

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"unsafe"
)

// Sessions, login, object search, attributes and signing.

// inSession runs f on the session h with the lock held; it fails without
// calling f if the module is not initialized or h is not an open session.
func inSession(h C.CK_SESSION_HANDLE, f func(s *session) C.CK_RV) C.CK_RV {
	st.Lock()
	defer st.Unlock()
	if !st.init {
		return C.CKR_CRYPTOKI_NOT_INITIALIZED
	}
	s := st.sessions[h]
	if s == nil {
		return C.CKR_SESSION_HANDLE_INVALID
	}
	return f(s)
}

//export goOpenSession
func goOpenSession(h *C.CK_SESSION_HANDLE) C.CK_RV {
	st.Lock()
	defer st.Unlock()
	if !st.init {
		return C.CKR_CRYPTOKI_NOT_INITIALIZED
	}
	st.next++
	st.sessions[st.next] = &session{}
	*h = st.next
	return C.CKR_OK
}

//export goSessionState
func goSessionState(h C.CK_SESSION_HANDLE, state *C.CK_ULONG) C.CK_RV {
	return inSession(h, func(*session) C.CK_RV {
		*state = C.CKS_RO_PUBLIC_SESSION
		if st.loggedIn {
			*state = C.CKS_RO_USER_FUNCTIONS
		}
		return C.CKR_OK
	})
}

//export goCloseSession
func goCloseSession(h C.CK_SESSION_HANDLE) C.CK_RV {
	return inSession(h, func(*session) C.CK_RV {
		delete(st.sessions, h)
		if len(st.sessions) == 0 {
			st.loggedIn = false
		}
		return C.CKR_OK
	})
}

//export goCloseAllSessions
func goCloseAllSessions(slot C.CK_SLOT_ID) C.CK_RV {
	st.Lock()
	defer st.Unlock()
	st.sessions = map[C.CK_SESSION_HANDLE]*session{}
	st.loggedIn = false
	return C.CKR_OK
}

//export goLogin
func goLogin(h C.CK_SESSION_HANDLE, user C.CK_USER_TYPE, pin *C.CK_UTF8CHAR, n C.CK_ULONG) C.CK_RV {
	return inSession(h, func(*session) C.CK_RV {
		if user == C.CKU_USER && st.loggedIn {
			return C.CKR_USER_ALREADY_LOGGED_IN
		}
		if pin == nil || C.GoStringN((*C.char)(unsafe.Pointer(pin)), C.int(n)) != testPIN {
			return C.CKR_PIN_INCORRECT
		}
		st.loggedIn = true
		return C.CKR_OK
	})
}

//export goLogout
func goLogout(h C.CK_SESSION_HANDLE) C.CK_RV {
	return inSession(h, func(*session) C.CK_RV {
		if !st.loggedIn {
			return C.CKR_USER_NOT_LOGGED_IN
		}
		st.loggedIn = false
		return C.CKR_OK
	})
}

//export goFindInit
func goFindInit(h C.CK_SESSION_HANDLE) C.CK_RV {
	return inSession(h, func(s *session) C.CK_RV {
		if s.finding {
			return C.CKR_OPERATION_ACTIVE
		}
		s.finding, s.tmpl, s.find = true, map[uint][]byte{}, nil
		for i, o := range st.objects {
			if !o.private || st.loggedIn {
				s.find = append(s.find, C.CK_OBJECT_HANDLE(i+1))
			}
		}
		return C.CKR_OK
	})
}

//export goFindAdd
func goFindAdd(h C.CK_SESSION_HANDLE, typ C.CK_ATTRIBUTE_TYPE, v unsafe.Pointer, n C.CK_ULONG) C.CK_RV {
	return inSession(h, func(s *session) C.CK_RV {
		want := C.GoBytes(v, C.int(n))
		kept := s.find[:0]
		for _, oh := range s.find {
			if string(st.objects[oh-1].attrs[uint(typ)]) == string(want) {
				kept = append(kept, oh)
			}
		}
		s.find = kept
		return C.CKR_OK
	})
}

//export goFindObjects
func goFindObjects(h C.CK_SESSION_HANDLE, out *C.CK_OBJECT_HANDLE, max C.CK_ULONG, count *C.CK_ULONG) C.CK_RV {
	return inSession(h, func(s *session) C.CK_RV {
		if !s.finding {
			return C.CKR_OPERATION_NOT_INITIALIZED
		}
		n := min(int(max), len(s.find))
		copy(unsafe.Slice(out, int(max)), s.find[:n])
		s.find = s.find[n:]
		*count = C.CK_ULONG(n)
		return C.CKR_OK
	})
}

//export goFindFinal
func goFindFinal(h C.CK_SESSION_HANDLE) C.CK_RV {
	return inSession(h, func(s *session) C.CK_RV {
		if !s.finding {
			return C.CKR_OPERATION_NOT_INITIALIZED
		}
		s.finding, s.find = false, nil
		return C.CKR_OK
	})
}

// obj returns the object o as the session may see it (lock held).
func obj(o C.CK_OBJECT_HANDLE) *object {
	if o == 0 || int(o) > len(st.objects) {
		return nil
	}
	ob := st.objects[o-1]
	if ob.private && !st.loggedIn {
		return nil
	}
	return ob
}

//export goGetAttr
func goGetAttr(h C.CK_SESSION_HANDLE, o C.CK_OBJECT_HANDLE, typ C.CK_ATTRIBUTE_TYPE, v unsafe.Pointer, n *C.CK_ULONG) C.CK_RV {
	return inSession(h, func(*session) C.CK_RV {
		ob := obj(o)
		if ob == nil {
			return C.CKR_OBJECT_HANDLE_INVALID
		}
		val, ok := ob.attrs[uint(typ)]
		switch {
		case !ok:
			*n = C.CK_UNAVAILABLE_INFORMATION
			return C.CKR_ATTRIBUTE_TYPE_INVALID
		case v == nil:
			*n = C.CK_ULONG(len(val))
		case int(*n) < len(val):
			*n = C.CK_UNAVAILABLE_INFORMATION
			return C.CKR_BUFFER_TOO_SMALL
		default:
			copy(unsafe.Slice((*byte)(v), len(val)), val)
			*n = C.CK_ULONG(len(val))
		}
		return C.CKR_OK
	})
}

var pssHashes = map[uint]crypto.Hash{C.CKM_SHA256: crypto.SHA256, C.CKM_SHA384: crypto.SHA384, C.CKM_SHA512: crypto.SHA512}

//export goSignInit
func goSignInit(h C.CK_SESSION_HANDLE, mech C.CK_MECHANISM_TYPE, hashAlg, sLen C.CK_ULONG, key C.CK_OBJECT_HANDLE) C.CK_RV {
	return inSession(h, func(s *session) C.CK_RV {
		if s.signing {
			return C.CKR_OPERATION_ACTIVE
		}
		if int(key) > 0 && int(key) <= len(st.objects) && st.objects[key-1].private && !st.loggedIn {
			return C.CKR_USER_NOT_LOGGED_IN
		}
		ob := obj(key)
		if ob == nil || ob.key == nil {
			return C.CKR_KEY_HANDLE_INVALID
		}
		_, isEC := ob.key.(*ecdsa.PrivateKey)
		switch {
		case mech == C.CKM_ECDSA && isEC, mech == C.CKM_RSA_PKCS && !isEC:
		case mech == C.CKM_RSA_PKCS_PSS && !isEC:
			if s.hash = pssHashes[uint(hashAlg)]; s.hash == 0 {
				return C.CKR_MECHANISM_PARAM_INVALID
			}
			s.salt = int(sLen)
		case mech == C.CKM_ECDSA || mech == C.CKM_RSA_PKCS || mech == C.CKM_RSA_PKCS_PSS:
			return C.CKR_KEY_TYPE_INCONSISTENT
		default:
			return C.CKR_MECHANISM_INVALID
		}
		s.signing, s.mech, s.key = true, uint(mech), ob
		return C.CKR_OK
	})
}

func sigLen(k crypto.Signer) int {
	if rk, ok := k.(*rsa.PrivateKey); ok {
		return rk.Size()
	}
	return 64
}

//export goSign
func goSign(h C.CK_SESSION_HANDLE, data *C.CK_BYTE, n C.CK_ULONG, sig *C.CK_BYTE, sigN *C.CK_ULONG) C.CK_RV {
	return inSession(h, func(s *session) C.CK_RV {
		if !s.signing {
			return C.CKR_OPERATION_NOT_INITIALIZED
		}
		size := sigLen(s.key.key)
		if sig == nil {
			*sigN = C.CK_ULONG(size)
			return C.CKR_OK
		}
		if int(*sigN) < size {
			*sigN = C.CK_ULONG(size)
			return C.CKR_BUFFER_TOO_SMALL
		}
		s.signing = false
		in := C.GoBytes(unsafe.Pointer(data), C.int(n))
		out, err := sign(s, in)
		if err != nil {
			return C.CKR_FUNCTION_FAILED
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(sig)), len(out)), out)
		*sigN = C.CK_ULONG(len(out))
		return C.CKR_OK
	})
}

func sign(s *session, in []byte) ([]byte, error) {
	switch k := s.key.key.(type) {
	case *ecdsa.PrivateKey:
		r, ss, err := ecdsa.Sign(rand.Reader, k, in)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		ss.FillBytes(out[32:])
		return out, nil
	case *rsa.PrivateKey:
		if s.mech == C.CKM_RSA_PKCS_PSS {
			return rsa.SignPSS(rand.Reader, k, s.hash, in, &rsa.PSSOptions{SaltLength: s.salt, Hash: s.hash})
		}
		return rsa.SignPKCS1v15(rand.Reader, k, 0, in)
	}
	return nil, os.ErrInvalid
}
