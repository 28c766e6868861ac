package p11raw

import "fmt"

// Error is a CK_RV other than CKR_OK returned by a module.
type Error uint

// Error returns "pkcs11: CKR_PIN_INCORRECT (0xA0)".
func (e Error) Error() string { return fmt.Sprintf("pkcs11: %s (0x%X)", CodeName(uint(e)), uint(e)) }

// CodeName returns the PKCS#11 name of a CK_RV code ("CKR_PIN_INCORRECT"),
// or "CKR_VENDOR_DEFINED+0x..." / "CKR_0x..." for unknown codes.
func CodeName(code uint) string {
	if n, ok := ckrNames[code]; ok {
		return n
	}
	if code&0x80000000 != 0 {
		return fmt.Sprintf("CKR_VENDOR_DEFINED+0x%X", code&^0x80000000)
	}
	return fmt.Sprintf("CKR_0x%X", code)
}
