package linux

import (
	"fmt"
	"testing"
	"time"

	"github.com/nativetls/nativetls/pkcs11"
)

func TestZZProf(t *testing.T) {
	t0 := time.Now()
	mod, err := pkcs11.LoadModule("/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so", "")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("load", time.Since(t0)); t0 = time.Now()
	slots, _ := mod.Slots(true)
	fmt.Println("slots", time.Since(t0)); t0 = time.Now()
	for _, s := range slots {
		o, _ := mod.FindObjects(s.ID, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE)}, nil)
		fmt.Println("find certs nil attrs", len(o), time.Since(t0)); t0 = time.Now()
		o, _ = mod.FindObjects(s.ID, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE)}, []uint{pkcs11.CKA_VALUE})
		fmt.Println("find certs value", len(o), time.Since(t0)); t0 = time.Now()
		o, _ = mod.FindObjects(s.ID, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE)}, certAttrs)
		fmt.Println("find certs all", len(o), time.Since(t0)); t0 = time.Now()
		o, _ = mod.FindObjects(s.ID, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_NSS_TRUST)}, trustAttrs)
		fmt.Println("find trust", len(o), time.Since(t0)); t0 = time.Now()
		o, _ = mod.FindObjects(s.ID, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_X_CERTIFICATE_EXTENSION)}, extAttrs)
		fmt.Println("find ext", len(o), time.Since(t0)); t0 = time.Now()
	}
	mod.Close()
	fmt.Println("close", time.Since(t0)); t0 = time.Now()
}
