package darwin

import (
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// statusInfo describes one OSStatus value of Security.framework: its SDK
// name, the shared verification reason it maps to (ReasonUnknown when it is
// not a verification outcome) and the sentinel error it matches, if any.
type statusInfo struct {
	name     string
	reason   trust.Reason
	sentinel error
}

// statusTable maps OSStatus values (SecBase.h, Authorization.h) to names,
// reasons and sentinels. Only codes that SecTrustEvaluateWithError,
// SecTrustSettings*, SecItem* or SecKey* are known to return are listed;
// any other code keeps its number and the CFError description.
var statusTable = map[int64]statusInfo{
	0:      {"errSecSuccess", trust.ReasonUnknown, nil},
	-4:     {"errSecUnimplemented", trust.ReasonUnknown, ErrUnsupported},
	-50:    {"errSecParam", trust.ReasonUnknown, nil},
	-108:   {"errSecAllocate", trust.ReasonUnknown, nil},
	-128:   {"errSecUserCanceled", trust.ReasonUnknown, ErrUserCanceled},
	-25291: {"errSecNotAvailable", trust.ReasonUnknown, nil},
	-25292: {"errSecReadOnly", trust.ReasonUnknown, nil},
	-25293: {"errSecAuthFailed", trust.ReasonUnknown, ErrAuthFailed},
	-25294: {"errSecNoSuchKeychain", trust.ReasonUnknown, ErrNotFound},
	-25295: {"errSecInvalidKeychain", trust.ReasonUnknown, nil},
	-25299: {"errSecDuplicateItem", trust.ReasonUnknown, ErrDuplicate},
	-25300: {"errSecItemNotFound", trust.ReasonUnknown, ErrNotFound},
	-25307: {"errSecNoDefaultKeychain", trust.ReasonUnknown, ErrNotFound},
	-25308: {"errSecInteractionNotAllowed", trust.ReasonUnknown, ErrInteractionNotAllowed},
	-25315: {"errSecInteractionRequired", trust.ReasonUnknown, ErrInteractionNotAllowed},
	-25318: {"errSecCreateChainFailed", trust.ReasonUnknownAuthority, nil},
	-25241: {"errSecPolicyNotFound", trust.ReasonPolicy, nil},
	-25242: {"errSecInvalidTrustSetting", trust.ReasonUnknown, nil},
	-25245: {"errSecTrustNotAvailable", trust.ReasonUnknown, nil},
	-25262: {"errSecInvalidTrustSettings", trust.ReasonUnknown, nil},
	-25263: {"errSecNoTrustSettings", trust.ReasonUnknown, ErrNotFound},
	-26267: {"errSecNotSigner", trust.ReasonBadSignature, nil},
	-26275: {"errSecDecode", trust.ReasonMalformed, nil},
	-34018: {"errSecMissingEntitlement", trust.ReasonUnknown, ErrUnsupported},
	-67602: {"errSecHostNameMismatch", trust.ReasonHostnameMismatch, nil},
	-67603: {"errSecUnknownCriticalExtensionFlag", trust.ReasonMalformed, nil},
	-67604: {"errSecNoBasicConstraints", trust.ReasonPolicy, nil},
	-67605: {"errSecNoBasicConstraintsCA", trust.ReasonPolicy, nil},
	-67606: {"errSecInvalidAuthorityKeyID", trust.ReasonMalformed, nil},
	-67607: {"errSecInvalidSubjectKeyID", trust.ReasonMalformed, nil},
	-67608: {"errSecInvalidKeyUsageForPolicy", trust.ReasonWrongUsage, nil},
	-67609: {"errSecInvalidExtendedKeyUsage", trust.ReasonWrongUsage, nil},
	-67610: {"errSecInvalidIDLinkage", trust.ReasonUnknownAuthority, nil},
	-67611: {"errSecPathLengthConstraintExceeded", trust.ReasonPolicy, nil},
	-67612: {"errSecInvalidRoot", trust.ReasonUnknownAuthority, nil},
	-67618: {"errSecUnknownCertExtension", trust.ReasonMalformed, nil},
	-67629: {"errSecSSLBadExtendedKeyUsage", trust.ReasonWrongUsage, nil},
	-67630: {"errSecOCSPBadResponse", trust.ReasonRevocationUnknown, nil},
	-67632: {"errSecOCSPUnavailable", trust.ReasonRevocationUnknown, nil},
	-67633: {"errSecOCSPStatusUnrecognized", trust.ReasonRevocationUnknown, nil},
	-67635: {"errSecIncompleteCertRevocationCheck", trust.ReasonRevocationUnknown, nil},
	-67636: {"errSecNetworkFailure", trust.ReasonRevocationUnknown, nil},
	-67637: {"errSecOCSPNotTrustedToAnchor", trust.ReasonRevocationUnknown, nil},
	-67639: {"errSecOCSPSignatureError", trust.ReasonRevocationUnknown, nil},
	-67654: {"errSecTrustSettingDeny", trust.ReasonDistrusted, nil},
	-67655: {"errSecInvalidSubjectName", trust.ReasonMalformed, nil},
	-67688: {"errSecInvalidSignature", trust.ReasonBadSignature, nil},
	-67690: {"errSecInvalidCertificateRef", trust.ReasonMalformed, nil}, // BasicCertificateProcessing
	-67735: {"errSecUnsupportedKeySize", trust.ReasonPolicy, nil},       // KeySize, WeakKeySize, SystemTrustedWeakKey
	-67825: {"errSecVerifyActionFailed", trust.ReasonPolicy, nil},       // SystemTrustedCTRequired, NonTlsCTRequired
	-67808: {"errSecVerifyFailed", trust.ReasonBadSignature, nil},
	-67815: {"errSecInvalidDigestAlgorithm", trust.ReasonPolicy, nil},
	-67817: {"errSecCertificateCannotOperate", trust.ReasonPolicy, nil},
	-67818: {"errSecCertificateExpired", trust.ReasonExpired, nil},
	-67819: {"errSecCertificateNotValidYet", trust.ReasonNotYetValid, nil},
	-67820: {"errSecCertificateRevoked", trust.ReasonRevoked, nil},
	-67821: {"errSecCertificateSuspended", trust.ReasonRevoked, nil},
	-67826: {"errSecInvalidCertAuthority", trust.ReasonUnknownAuthority, nil},
	-67835: {"errSecInvalidPolicyIdentifiers", trust.ReasonPolicy, nil},
	-67843: {"errSecNotTrusted", trust.ReasonUnknownAuthority, nil},
	-67854: {"errSecInvalidValidityPeriod", trust.ReasonMalformed, nil},
	-67880: {"errSecMissingRequiredExtension", trust.ReasonPolicy, nil},
	-67881: {"errSecExtendedKeyUsageNotCritical", trust.ReasonWrongUsage, nil},
	-67899: {"errSecCertificatePolicyNotAllowed", trust.ReasonPolicy, nil},
	-67900: {"errSecCertificateNameNotAllowed", trust.ReasonNameConstraints, nil},
	-67901: {"errSecCertificateValidityPeriodTooLong", trust.ReasonPolicy, nil},
	-67902: {"errSecCertificateIsCA", trust.ReasonWrongUsage, nil},
	-67903: {"errSecCertificateDuplicateExtension", trust.ReasonMalformed, nil},
	-60005: {"errAuthorizationDenied", trust.ReasonUnknown, ErrAuthFailed},
	-60006: {"errAuthorizationCanceled", trust.ReasonUnknown, ErrUserCanceled},
	-60007: {"errAuthorizationInteractionNotAllowed", trust.ReasonUnknown, ErrInteractionNotAllowed},
}

// statusName returns the SDK name of an OSStatus code, e.g.
// "errSecCertificateExpired", or "OSStatus -12345" for a code this package
// does not know.
func statusName(code int64) string {
	if s, ok := statusTable[code]; ok {
		return s.name
	}
	return fmt.Sprintf("OSStatus %d", code)
}

// reasonForStatus returns the shared verification reason for a
// SecTrustEvaluateWithError code; ok is false for codes that are not
// verification outcomes this package knows.
func reasonForStatus(code int64) (r trust.Reason, ok bool) {
	s, found := statusTable[code]
	if !found || s.reason == trust.ReasonUnknown {
		return trust.ReasonUnknown, false
	}
	return s.reason, true
}

// knownStatusName returns the SDK name, or "" for an unknown code.
func knownStatusName(code int64) string {
	if s, ok := statusTable[code]; ok {
		return s.name
	}
	return ""
}
