package win32

import (
	syswin "golang.org/x/sys/windows"
)

// Constants of wincrypt.h / ncrypt.h / bcrypt.h not in x/sys/windows.
const (
	// CertGetCertificateChain dwFlags.
	CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL            = 0x00000004
	CERT_CHAIN_DISABLE_AUTH_ROOT_AUTO_UPDATE       = 0x00000100
	CERT_CHAIN_DISABLE_AIA                         = 0x00002000
	CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT     = 0x08000000
	CERT_CHAIN_REVOCATION_CHECK_END_CERT           = 0x10000000
	CERT_CHAIN_REVOCATION_CHECK_CHAIN              = 0x20000000
	CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT = 0x40000000
	CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY         = 0x80000000

	// CERT_CHAIN_POLICY_PARA dwFlags.
	CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS = 0x00000F00

	// CERT_CHAIN_ENGINE_CONFIG dwExclusiveFlags (Windows 8 and later).
	CERT_CHAIN_EXCLUSIVE_ENABLE_CA_FLAG = 0x00000001

	// Certificate context properties.
	CERT_KEY_PROV_INFO_PROP_ID = 2
	CERT_ENHKEY_USAGE_PROP_ID  = 9
	CERT_OCSP_RESPONSE_PROP_ID = 70

	// NCRYPT / BCRYPT padding flags.
	BCRYPT_PAD_PKCS1   = 0x00000002
	BCRYPT_PAD_OAEP    = 0x00000004
	BCRYPT_PAD_PSS     = 0x00000008
	NCRYPT_SILENT_FLAG = 0x00000040

	// CERT_ID dwIdChoice.
	CERT_ID_KEY_IDENTIFIER = 2
	CERT_ID_SHA1_HASH      = 3

	// CertFindCertificateInStore dwFindType CERT_FIND_CERT_ID.
	CERT_FIND_CERT_ID = 16 << 16
)

// CertChainEngineConfig is CERT_CHAIN_ENGINE_CONFIG in its Windows 8
// layout (with dwExclusiveFlags); its Windows 7 size is
// unsafe.Offsetof(ExclusiveFlags).
type CertChainEngineConfig struct {
	Size                      uint32
	RestrictedRoot            syswin.Handle
	RestrictedTrust           syswin.Handle
	RestrictedOther           syswin.Handle
	AdditionalStoreCount      uint32
	AdditionalStore           *syswin.Handle
	Flags                     uint32
	URLRetrievalTimeout       uint32
	MaximumCachedCertificates uint32
	CycleDetectionModulus     uint32
	ExclusiveRoot             syswin.Handle
	ExclusiveTrustedPeople    syswin.Handle
	ExclusiveFlags            uint32
}

// CertIDKeyIDOrHash is CERT_ID with the KeyId / HashId union member
// (dwIdChoice CERT_ID_KEY_IDENTIFIER or CERT_ID_SHA1_HASH). The union's
// largest member, CERT_ISSUER_SERIAL_NUMBER, is two blobs; Pad keeps the
// struct that size.
type CertIDKeyIDOrHash struct {
	IDChoice uint32
	Blob     syswin.CryptDataBlob
	Pad      syswin.CryptDataBlob
}

// BcryptPKCS1PaddingInfo is BCRYPT_PKCS1_PADDING_INFO.
type BcryptPKCS1PaddingInfo struct {
	AlgID *uint16
}

// BcryptPSSPaddingInfo is BCRYPT_PSS_PADDING_INFO.
type BcryptPSSPaddingInfo struct {
	AlgID *uint16
	Salt  uint32
}

// BcryptOAEPPaddingInfo is BCRYPT_OAEP_PADDING_INFO.
type BcryptOAEPPaddingInfo struct {
	AlgID *uint16
	Label *byte
	Size  uint32
}
