package p11raw

// Vendor-defined object classes, attribute types and trust values used by
// trust modules (p11-kit's p11-kit-trust.so and NSS softokn/nssckbi). The
// numbers were checked against p11-kit's pkcs11x.h (0.25, Debian
// libp11-kit-dev) and NSS's pkcs11n.h (libnss3-dev); the retired p11-kit
// trust-assertion numbers come from p11-kit's common/pkcs11i.h.
//
// They are untyped constants, used as uint.
const (
	// nssVendor is NSSCK_VENDOR_NSS (0x4E534350, "NSCP") with the
	// CKA_VENDOR_DEFINED bit set.
	nssVendor = 0x80000000 | 0x4E534350
	// xVendor is p11-kit's CKA_X_VENDOR / CKO_X_VENDOR ("XDG0").
	xVendor = 0x80000000 | 0x58444700

	// CKO_NSS_TRUST is the NSS trust object class (CKO_NSS + 3).
	CKO_NSS_TRUST = nssVendor + 3 // 0xCE534353
	// CKO_NSS_BUILTIN_ROOT_LIST marks NSS's builtin root list (CKO_NSS + 4).
	CKO_NSS_BUILTIN_ROOT_LIST = nssVendor + 4 // 0xCE534354

	// CKA_TRUST_DIGITAL_SIGNATURE and the following CKA_TRUST_* attributes
	// hold a CK_TRUST value (CKT_NSS_*) per key usage or extended key usage
	// on a CKO_NSS_TRUST object.
	CKA_TRUST_DIGITAL_SIGNATURE = nssVendor + 0x2000 + 1 // 0xCE536351
	// CKA_TRUST_NON_REPUDIATION is the trust for non-repudiation.
	CKA_TRUST_NON_REPUDIATION = nssVendor + 0x2000 + 2 // 0xCE536352
	// CKA_TRUST_KEY_ENCIPHERMENT is the trust for key encipherment.
	CKA_TRUST_KEY_ENCIPHERMENT = nssVendor + 0x2000 + 3 // 0xCE536353
	// CKA_TRUST_DATA_ENCIPHERMENT is the trust for data encipherment.
	CKA_TRUST_DATA_ENCIPHERMENT = nssVendor + 0x2000 + 4 // 0xCE536354
	// CKA_TRUST_KEY_AGREEMENT is the trust for key agreement.
	CKA_TRUST_KEY_AGREEMENT = nssVendor + 0x2000 + 5 // 0xCE536355
	// CKA_TRUST_KEY_CERT_SIGN is the trust for certificate signing.
	CKA_TRUST_KEY_CERT_SIGN = nssVendor + 0x2000 + 6 // 0xCE536356
	// CKA_TRUST_CRL_SIGN is the trust for CRL signing.
	CKA_TRUST_CRL_SIGN = nssVendor + 0x2000 + 7 // 0xCE536357
	// CKA_TRUST_SERVER_AUTH is the trust for TLS server authentication.
	CKA_TRUST_SERVER_AUTH = nssVendor + 0x2000 + 8 // 0xCE536358
	// CKA_TRUST_CLIENT_AUTH is the trust for TLS client authentication.
	CKA_TRUST_CLIENT_AUTH = nssVendor + 0x2000 + 9 // 0xCE536359
	// CKA_TRUST_CODE_SIGNING is the trust for code signing.
	CKA_TRUST_CODE_SIGNING = nssVendor + 0x2000 + 10 // 0xCE53635A
	// CKA_TRUST_EMAIL_PROTECTION is the trust for S/MIME.
	CKA_TRUST_EMAIL_PROTECTION = nssVendor + 0x2000 + 11 // 0xCE53635B
	// CKA_TRUST_IPSEC_END_SYSTEM is the trust for IPsec end systems.
	CKA_TRUST_IPSEC_END_SYSTEM = nssVendor + 0x2000 + 12 // 0xCE53635C
	// CKA_TRUST_IPSEC_TUNNEL is the trust for IPsec tunnels.
	CKA_TRUST_IPSEC_TUNNEL = nssVendor + 0x2000 + 13 // 0xCE53635D
	// CKA_TRUST_IPSEC_USER is the trust for IPsec users.
	CKA_TRUST_IPSEC_USER = nssVendor + 0x2000 + 14 // 0xCE53635E
	// CKA_TRUST_TIME_STAMPING is the trust for time stamping.
	CKA_TRUST_TIME_STAMPING = nssVendor + 0x2000 + 15 // 0xCE53635F
	// CKA_TRUST_STEP_UP_APPROVED is a CK_BBOOL (step-up / SGC).
	CKA_TRUST_STEP_UP_APPROVED = nssVendor + 0x2000 + 16 // 0xCE536360
	// CKA_CERT_SHA1_HASH is the SHA-1 of the DER certificate a trust
	// object applies to.
	CKA_CERT_SHA1_HASH = nssVendor + 0x2000 + 100 // 0xCE5363B4
	// CKA_CERT_MD5_HASH is the MD5 of the DER certificate a trust object
	// applies to.
	CKA_CERT_MD5_HASH = nssVendor + 0x2000 + 101 // 0xCE5363B5

	// CKA_NSS_MOZILLA_CA_POLICY is a CK_BBOOL: the root is in Mozilla's
	// CA program.
	CKA_NSS_MOZILLA_CA_POLICY = nssVendor + 34 // 0xCE534372
	// CKA_NSS_SERVER_DISTRUST_AFTER is a UTCTime ("YYMMDDHHMMSSZ") or a
	// single 0 byte (CK_FALSE): certificates issued after it are not
	// trusted for TLS servers.
	CKA_NSS_SERVER_DISTRUST_AFTER = nssVendor + 35 // 0xCE534373
	// CKA_NSS_EMAIL_DISTRUST_AFTER is the same for S/MIME.
	CKA_NSS_EMAIL_DISTRUST_AFTER = nssVendor + 36 // 0xCE534374

	// CKT_NSS_TRUSTED means trusted as a peer (leaf) certificate.
	CKT_NSS_TRUSTED = nssVendor + 1 // 0xCE534351
	// CKT_NSS_TRUSTED_DELEGATOR means trusted as an anchor (CA).
	CKT_NSS_TRUSTED_DELEGATOR = nssVendor + 2 // 0xCE534352
	// CKT_NSS_MUST_VERIFY_TRUST means no trust of its own: verify it.
	CKT_NSS_MUST_VERIFY_TRUST = nssVendor + 3 // 0xCE534353
	// CKT_NSS_TRUST_UNKNOWN means trust is unknown.
	CKT_NSS_TRUST_UNKNOWN = nssVendor + 5 // 0xCE534355
	// CKT_NSS_NOT_TRUSTED means explicitly distrusted.
	CKT_NSS_NOT_TRUSTED = nssVendor + 10 // 0xCE53435A
	// CKT_NSS_VALID_DELEGATOR means a valid CA without being an anchor.
	CKT_NSS_VALID_DELEGATOR = nssVendor + 11 // 0xCE53435B

	// CKA_X_DISTRUSTED is p11-kit's CK_BBOOL blocklist flag on a
	// certificate object.
	CKA_X_DISTRUSTED = xVendor + 100 // 0xD8444764
	// CKA_X_CRITICAL is p11-kit's CK_BBOOL "extension is critical" on a
	// CKO_X_CERTIFICATE_EXTENSION object (deprecated in p11-kit, still
	// served by older modules).
	CKA_X_CRITICAL = xVendor + 101 // 0xD8444765
	// CKO_X_CERTIFICATE_EXTENSION is p11-kit's stapled certificate
	// extension object: CKA_PUBLIC_KEY_INFO names the certificate,
	// CKA_OBJECT_ID the extension, CKA_VALUE the DER extension.
	CKO_X_CERTIFICATE_EXTENSION = xVendor + 200 // 0xD84447C8
	// CKO_X_TRUST_ASSERTION is p11-kit's retired trust assertion class.
	CKO_X_TRUST_ASSERTION = xVendor + 100 // 0xD8444764
	// CKA_X_ASSERTION_TYPE holds a CKT_X_* value.
	CKA_X_ASSERTION_TYPE = xVendor + 1 // 0xD8444701
	// CKA_X_CERTIFICATE_VALUE holds the DER certificate of an assertion.
	CKA_X_CERTIFICATE_VALUE = xVendor + 2 // 0xD8444702
	// CKA_X_PURPOSE holds the purpose OID string of an assertion.
	CKA_X_PURPOSE = xVendor + 3 // 0xD8444703
	// CKA_X_PEER holds the peer name of a pinned-certificate assertion.
	CKA_X_PEER = xVendor + 4 // 0xD8444704
	// CKT_X_DISTRUSTED_CERTIFICATE is an assertion that distrusts.
	CKT_X_DISTRUSTED_CERTIFICATE = 1
	// CKT_X_PINNED_CERTIFICATE is an assertion that pins for a peer.
	CKT_X_PINNED_CERTIFICATE = 2
	// CKT_X_ANCHORED_CERTIFICATE is an assertion that anchors.
	CKT_X_ANCHORED_CERTIFICATE = 3

	// CKA_PUBLIC_KEY_INFO is the DER SubjectPublicKeyInfo (PKCS#11 2.40).
	CKA_PUBLIC_KEY_INFO = 0x129

	// CKM_EDDSA is the PKCS#11 3.0 EdDSA signature mechanism (absent from
	// github.com/miekg/pkcs11 v1.1.2).
	CKM_EDDSA = 0x1057
	// CKM_EC_EDWARDS_KEY_PAIR_GEN generates Ed25519/Ed448 key pairs.
	CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055
	// CKK_EC_EDWARDS is the PKCS#11 3.0 key type of Ed25519/Ed448 keys.
	CKK_EC_EDWARDS = 0x40
)

// Standard PKCS#11 numbers (pkcs11t.h) used by this module.
const (
	CKA_CLASS                = 0x0
	CKA_TOKEN                = 0x1
	CKA_PRIVATE              = 0x2
	CKA_LABEL                = 0x3
	CKA_VALUE                = 0x11
	CKA_OBJECT_ID            = 0x12
	CKA_CERTIFICATE_TYPE     = 0x80
	CKA_ISSUER               = 0x81
	CKA_SERIAL_NUMBER        = 0x82
	CKA_TRUSTED              = 0x86
	CKA_CERTIFICATE_CATEGORY = 0x87
	CKA_KEY_TYPE             = 0x100
	CKA_SUBJECT              = 0x101
	CKA_ID                   = 0x102
	CKA_SENSITIVE            = 0x103
	CKA_ENCRYPT              = 0x104
	CKA_DECRYPT              = 0x105
	CKA_SIGN                 = 0x108
	CKA_VERIFY               = 0x10A
	CKA_MODULUS              = 0x120
	CKA_MODULUS_BITS         = 0x121
	CKA_PUBLIC_EXPONENT      = 0x122
	CKA_EXTRACTABLE          = 0x162
	CKA_EC_PARAMS            = 0x180
	CKA_EC_POINT             = 0x181
	CKA_ALWAYS_AUTHENTICATE  = 0x202
	CKA_ALLOWED_MECHANISMS   = 0x40000600 // CKF_ARRAY_ATTRIBUTE | 0x600

	CKO_DATA        = 0x0
	CKO_CERTIFICATE = 0x1
	CKO_PUBLIC_KEY  = 0x2
	CKO_PRIVATE_KEY = 0x3
	CKO_SECRET_KEY  = 0x4

	CKC_X_509 = 0x0

	CKK_RSA = 0x0
	CKK_EC  = 0x3

	CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0
	CKM_RSA_PKCS              = 0x1
	CKM_RSA_PKCS_OAEP         = 0x9
	CKM_RSA_PKCS_PSS          = 0xD
	CKM_SHA256                = 0x250
	CKM_EC_KEY_PAIR_GEN       = 0x1040
	CKM_ECDSA                 = 0x1041
	CKG_MGF1_SHA256           = 0x2

	CKF_TOKEN_PRESENT  = 0x1 // CK_SLOT_INFO.flags
	CKF_LOGIN_REQUIRED = 0x4 // CK_TOKEN_INFO.flags
	CKF_RW_SESSION     = 0x2 // C_OpenSession flags
	CKF_SERIAL_SESSION = 0x4
	CKF_OS_LOCKING_OK  = 0x2 // CK_C_INITIALIZE_ARGS.flags

	CKU_SO               = 0
	CKU_USER             = 1
	CKU_CONTEXT_SPECIFIC = 2

	CKS_RO_USER_FUNCTIONS = 1
	CKS_RW_USER_FUNCTIONS = 3

	CKR_OK                           = 0x0
	CKR_ARGUMENTS_BAD                = 0x7
	CKR_DEVICE_MEMORY                = 0x31
	CKR_FUNCTION_NOT_SUPPORTED       = 0x54
	CKR_PIN_INCORRECT                = 0xA0
	CKR_BUFFER_TOO_SMALL             = 0x150
	CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191
	CKR_CRYPTOKI_NOT_INITIALIZED     = 0x190
)
