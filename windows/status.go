package windows

import (
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// statusInfo describes one Windows trust status code.
type statusInfo struct {
	name   string
	reason trust.Reason
}

// trustStatus maps the CERT_E_*, TRUST_E_* and CRYPT_E_* HRESULTs that
// CertVerifyCertificateChainPolicy (and CertGetCertificateChain) return
// onto the shared verification reasons. Values are from winerror.h.
var trustStatus = map[uint32]statusInfo{
	0x800B0101: {"CERT_E_EXPIRED", trust.ReasonExpired},
	0x800B0102: {"CERT_E_VALIDITYPERIODNESTING", trust.ReasonPolicy},
	0x800B0103: {"CERT_E_ROLE", trust.ReasonPolicy},
	0x800B0104: {"CERT_E_PATHLENCONST", trust.ReasonPolicy},
	0x800B0105: {"CERT_E_CRITICAL", trust.ReasonMalformed},
	0x800B0106: {"CERT_E_PURPOSE", trust.ReasonWrongUsage},
	0x800B0107: {"CERT_E_ISSUERCHAINING", trust.ReasonBadSignature},
	0x800B0108: {"CERT_E_MALFORMED", trust.ReasonMalformed},
	0x800B0109: {"CERT_E_UNTRUSTEDROOT", trust.ReasonUnknownAuthority},
	0x800B010A: {"CERT_E_CHAINING", trust.ReasonUnknownAuthority},
	0x800B010B: {"TRUST_E_FAIL", trust.ReasonUnknown},
	0x800B010C: {"CERT_E_REVOKED", trust.ReasonRevoked},
	0x800B010D: {"CERT_E_UNTRUSTEDTESTROOT", trust.ReasonUnknownAuthority},
	0x800B010E: {"CERT_E_REVOCATION_FAILURE", trust.ReasonRevocationUnknown},
	0x800B010F: {"CERT_E_CN_NO_MATCH", trust.ReasonHostnameMismatch},
	0x800B0110: {"CERT_E_WRONG_USAGE", trust.ReasonWrongUsage},
	0x800B0111: {"TRUST_E_EXPLICIT_DISTRUST", trust.ReasonDistrusted},
	0x800B0112: {"CERT_E_UNTRUSTEDCA", trust.ReasonUnknownAuthority},
	0x800B0113: {"CERT_E_INVALID_POLICY", trust.ReasonPolicy},
	0x800B0114: {"CERT_E_INVALID_NAME", trust.ReasonNameConstraints},
	0x800B0001: {"TRUST_E_PROVIDER_UNKNOWN", trust.ReasonUnknown},
	0x800B0002: {"TRUST_E_ACTION_UNKNOWN", trust.ReasonUnknown},
	0x800B0003: {"TRUST_E_SUBJECT_FORM_UNKNOWN", trust.ReasonUnknown},
	0x800B0004: {"TRUST_E_SUBJECT_NOT_TRUSTED", trust.ReasonUnknownAuthority},
	0x800B0100: {"TRUST_E_NOSIGNATURE", trust.ReasonBadSignature},
	0x80096001: {"TRUST_E_SYSTEM_ERROR", trust.ReasonUnknown},
	0x80096002: {"TRUST_E_NO_SIGNER_CERT", trust.ReasonUnknownAuthority},
	0x80096003: {"TRUST_E_COUNTER_SIGNER", trust.ReasonBadSignature},
	0x80096004: {"TRUST_E_CERT_SIGNATURE", trust.ReasonBadSignature},
	0x80096005: {"TRUST_E_TIME_STAMP", trust.ReasonPolicy},
	0x80096010: {"TRUST_E_BAD_DIGEST", trust.ReasonBadSignature},
	0x80096011: {"TRUST_E_MALFORMED_SIGNATURE", trust.ReasonMalformed},
	0x80096019: {"TRUST_E_BASIC_CONSTRAINTS", trust.ReasonPolicy},
	0x8009601E: {"TRUST_E_FINANCIAL_CRITERIA", trust.ReasonPolicy},
	0x80092002: {"CRYPT_E_BAD_ENCODE", trust.ReasonMalformed},
	0x80092003: {"CRYPT_E_FILE_ERROR", trust.ReasonUnknown},
	0x80092004: {"CRYPT_E_NOT_FOUND", trust.ReasonUnknownAuthority},
	0x80092010: {"CRYPT_E_REVOKED", trust.ReasonRevoked},
	0x80092011: {"CRYPT_E_NO_REVOCATION_DLL", trust.ReasonRevocationUnknown},
	0x80092012: {"CRYPT_E_NO_REVOCATION_CHECK", trust.ReasonRevocationUnknown},
	0x80092013: {"CRYPT_E_REVOCATION_OFFLINE", trust.ReasonRevocationUnknown},
	0x80092014: {"CRYPT_E_NOT_IN_REVOCATION_DATABASE", trust.ReasonRevocationUnknown},
	0x80092026: {"CRYPT_E_SECURITY_SETTINGS", trust.ReasonPolicy},
	0x80092027: {"CRYPT_E_NO_VERIFY_USAGE_CHECK", trust.ReasonWrongUsage},
	0x80092028: {"CRYPT_E_VERIFY_USAGE_OFFLINE", trust.ReasonWrongUsage},
	0x80091007: {"CRYPT_E_HASH_VALUE", trust.ReasonBadSignature},
	0x80090006: {"NTE_BAD_SIGNATURE", trust.ReasonBadSignature},
	0x80090008: {"NTE_BAD_ALGID", trust.ReasonBadSignature},
}

// statusName returns the winerror.h name of a trust status code, or "" if
// the code is not one this package knows.
func statusName(code uint32) string {
	if s, ok := trustStatus[code]; ok {
		return s.name
	}
	if code&0xFFFFFF00 == 0x80093100 {
		return fmt.Sprintf("CRYPT_E_ASN1_0x%02X", code&0xFF)
	}
	return ""
}

// statusReason maps a CERT_E_* / TRUST_E_* / CRYPT_E_* HRESULT to a
// verification reason. The ASN.1 decoding errors (CRYPT_E_ASN1_*,
// 0x800931xx) are ReasonMalformed; unknown codes are ReasonUnknown.
func statusReason(code uint32) trust.Reason {
	if s, ok := trustStatus[code]; ok {
		return s.reason
	}
	if code&0xFFFFFF00 == 0x80093100 {
		return trust.ReasonMalformed
	}
	return trust.ReasonUnknown
}

// statusCodeName renders a status for messages: its name when known,
// "HRESULT 0x…" otherwise.
func statusCodeName(code uint32) string {
	if n := statusName(code); n != "" {
		return n
	}
	return fmt.Sprintf("HRESULT 0x%08X", code)
}

// CERT_TRUST_* error-status bits of CERT_TRUST_STATUS (wincrypt.h), in the
// order they are reported: the first bit set on an element decides its
// reason. code is the HRESULT Windows' policies report for the bit.
var trustBits = []struct {
	bit    uint32
	name   string
	reason trust.Reason
	code   uint32
}{
	{0x04000000, "CERT_TRUST_IS_EXPLICIT_DISTRUST", trust.ReasonDistrusted, 0x800B0111},
	{0x00000004, "CERT_TRUST_IS_REVOKED", trust.ReasonRevoked, 0x80092010},
	{0x00000008, "CERT_TRUST_IS_NOT_SIGNATURE_VALID", trust.ReasonBadSignature, 0x80096004},
	{0x00100000, "CERT_TRUST_HAS_WEAK_SIGNATURE", trust.ReasonBadSignature, 0x80096004},
	{0x00000001, "CERT_TRUST_IS_NOT_TIME_VALID", trust.ReasonExpired, 0x800B0101},
	{0x00000010, "CERT_TRUST_IS_NOT_VALID_FOR_USAGE", trust.ReasonWrongUsage, 0x800B0110},
	{0x00000800, "CERT_TRUST_INVALID_NAME_CONSTRAINTS", trust.ReasonNameConstraints, 0x800B0114},
	{0x00001000, "CERT_TRUST_HAS_NOT_SUPPORTED_NAME_CONSTRAINT", trust.ReasonNameConstraints, 0x800B0114},
	{0x00002000, "CERT_TRUST_HAS_NOT_DEFINED_NAME_CONSTRAINT", trust.ReasonNameConstraints, 0x800B0114},
	{0x00004000, "CERT_TRUST_HAS_NOT_PERMITTED_NAME_CONSTRAINT", trust.ReasonNameConstraints, 0x800B0114},
	{0x00008000, "CERT_TRUST_HAS_EXCLUDED_NAME_CONSTRAINT", trust.ReasonNameConstraints, 0x800B0114},
	{0x00000400, "CERT_TRUST_INVALID_BASIC_CONSTRAINTS", trust.ReasonPolicy, 0x80096019},
	{0x00000200, "CERT_TRUST_INVALID_POLICY_CONSTRAINTS", trust.ReasonPolicy, 0x800B0113},
	{0x02000000, "CERT_TRUST_NO_ISSUANCE_CHAIN_POLICY", trust.ReasonPolicy, 0x800B0113},
	{0x00000100, "CERT_TRUST_INVALID_EXTENSION", trust.ReasonMalformed, 0x800B0105},
	{0x08000000, "CERT_TRUST_HAS_NOT_SUPPORTED_CRITICAL_EXT", trust.ReasonMalformed, 0x800B0105},
	{0x00000080, "CERT_TRUST_IS_CYCLIC", trust.ReasonUnknownAuthority, 0x800B010A},
	{0x00000020, "CERT_TRUST_IS_UNTRUSTED_ROOT", trust.ReasonUnknownAuthority, 0x800B0109},
	{0x00010000, "CERT_TRUST_IS_PARTIAL_CHAIN", trust.ReasonUnknownAuthority, 0x800B010A},
	{0x00000040, "CERT_TRUST_REVOCATION_STATUS_UNKNOWN", trust.ReasonRevocationUnknown, 0x80092012},
	{0x01000000, "CERT_TRUST_IS_OFFLINE_REVOCATION", trust.ReasonRevocationUnknown, 0x80092013},
}

// revUnknownBits are the "revocation status not determined" bits that
// CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS excuses.
const revUnknownBits = 0x00000040 | 0x01000000

// isRevUnknownCode reports the policy codes for an undetermined revocation
// status (CERT_E_REVOCATION_FAILURE, CRYPT_E_NO_REVOCATION_CHECK,
// CRYPT_E_REVOCATION_OFFLINE).
func isRevUnknownCode(code uint32) bool {
	return code == 0x800B010E || code == 0x80092012 || code == 0x80092013
}

// trustBitsReason returns the reason and CERT_TRUST_* name of the most
// significant error bit in a CERT_TRUST_STATUS.dwErrorStatus, or
// (ReasonUnknown, "") when no known bit is set.
func trustBitsReason(bits uint32) (trust.Reason, string) {
	for _, b := range trustBits {
		if bits&b.bit != 0 {
			return b.reason, b.name
		}
	}
	return trust.ReasonUnknown, ""
}

// reasonBits are the CERT_TRUST_* bits that can explain a policy failure
// with a given reason; they find which chain element it is about.
func reasonBits(r trust.Reason) uint32 {
	var m uint32
	for _, b := range trustBits {
		if b.reason == r {
			m |= b.bit
		}
	}
	return m
}

// notImplemented reports whether code is one of the "this API is not
// implemented" statuses: E_NOTIMPL, NTE_NOT_SUPPORTED,
// ERROR_CALL_NOT_IMPLEMENTED, ERROR_NOT_SUPPORTED, STATUS_NOT_IMPLEMENTED,
// ERROR_PROC_NOT_FOUND (a missing export).
func notImplemented(code uint32) bool {
	switch code {
	case 0x80004001, 0x80090029, 120, 50, 0xC0000002, 127:
		return true
	}
	return false
}
