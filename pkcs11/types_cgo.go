//go:build cgo

package pkcs11

import p11 "github.com/miekg/pkcs11"

// Attribute is a PKCS#11 attribute (type and raw value); it is
// github.com/miekg/pkcs11's Attribute, so templates built with that
// package's NewAttribute can be passed directly.
type Attribute = p11.Attribute

// ObjectHandle is a PKCS#11 object handle, valid for the module instance
// that returned it.
type ObjectHandle = p11.ObjectHandle

// NewAttribute returns an attribute of type typ holding x (bool, int, uint,
// string, []byte, time.Time or nil), as github.com/miekg/pkcs11 encodes it.
func NewAttribute(typ uint, x any) *Attribute { return p11.NewAttribute(typ, x) }
