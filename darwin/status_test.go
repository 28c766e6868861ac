package darwin

import (
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestReasonForStatus(t *testing.T) {
	for _, c := range []struct {
		code int64
		name string
		want trust.Reason
	}{
		{-67818, "errSecCertificateExpired", trust.ReasonExpired},
		{-67819, "errSecCertificateNotValidYet", trust.ReasonNotYetValid},
		{-67602, "errSecHostNameMismatch", trust.ReasonHostnameMismatch},
		{-67843, "errSecNotTrusted", trust.ReasonUnknownAuthority},
		{-67820, "errSecCertificateRevoked", trust.ReasonRevoked},
		{-67609, "errSecInvalidExtendedKeyUsage", trust.ReasonWrongUsage},
		{-67880, "errSecMissingRequiredExtension", trust.ReasonPolicy},
		{-67618, "errSecUnknownCertExtension", trust.ReasonMalformed},
		{-25318, "errSecCreateChainFailed", trust.ReasonUnknownAuthority},
		{-25241, "errSecPolicyNotFound", trust.ReasonPolicy},
		{-67654, "errSecTrustSettingDeny", trust.ReasonDistrusted},
		{-67901, "errSecCertificateValidityPeriodTooLong", trust.ReasonPolicy},
		{-67635, "errSecIncompleteCertRevocationCheck", trust.ReasonRevocationUnknown},
	} {
		r, ok := reasonForStatus(c.code)
		if !ok || r != c.want {
			t.Errorf("reasonForStatus(%d) = %v, %v; want %v", c.code, r, ok, c.want)
		}
		if got := statusName(c.code); got != c.name {
			t.Errorf("statusName(%d) = %q, want %q", c.code, got, c.name)
		}
	}
	if _, ok := reasonForStatus(-25300); ok {
		t.Error("errSecItemNotFound is not a verification reason")
	}
	if _, ok := reasonForStatus(-99999); ok {
		t.Error("unknown code must not map")
	}
	if got := statusName(-99999); got != "OSStatus -99999" {
		t.Errorf("statusName(unknown) = %q", got)
	}
}

func TestStatusErrorSentinels(t *testing.T) {
	for _, c := range []struct {
		code int64
		want error
	}{
		{-25300, ErrNotFound},
		{-25299, ErrDuplicate},
		{-25308, ErrInteractionNotAllowed},
		{-60007, ErrInteractionNotAllowed},
		{-128, ErrUserCanceled},
		{-25293, ErrAuthFailed},
		{-34018, ErrUnsupported},
	} {
		err := error(&StatusError{Op: "SecItemCopyMatching", Code: c.code})
		if !errors.Is(err, c.want) {
			t.Errorf("code %d does not match %v", c.code, c.want)
		}
		if errors.Is(err, ErrAmbiguous) {
			t.Errorf("code %d matches an unrelated sentinel", c.code)
		}
	}
	e := &StatusError{Op: "SecItemCopyMatching", Code: -25300, Description: "The specified item could not be found in the keychain."}
	want := "darwin: SecItemCopyMatching: errSecItemNotFound (-25300): The specified item could not be found in the keychain."
	if e.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}
	u := &StatusError{Op: "SecKeyCreateSignature", Code: -42, Domain: "CryptoTokenKit", Description: "token removed"}
	if s := u.Error(); !strings.Contains(s, "OSStatus -42") || !strings.Contains(s, "CryptoTokenKit") || !strings.Contains(s, "token removed") {
		t.Errorf("unknown code message lacks code, domain or text: %q", s)
	}
}

func TestInstallErrorMessages(t *testing.T) {
	p := newTestPKI(t)
	e := &InstallError{Op: "install", Certificate: p.root, Err: &StatusError{Op: "SecTrustSettingsSetTrustSettings", Code: -60007}}
	s := e.Error()
	for _, want := range []string{"darwin: cannot install", p.root.Subject.CommonName, "errAuthorizationInteractionNotAllowed", "GUI session"} {
		if !strings.Contains(s, want) {
			t.Errorf("message %q lacks %q", s, want)
		}
	}
	if !errors.Is(e, ErrInteractionNotAllowed) {
		t.Error("InstallError does not unwrap to the sentinel")
	}
}
