package darwin

import (
	"crypto/x509"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// TestTrustSettingsClassify: check names and codes from
// OSX/sec/Security/SecPolicyChecks.list, the AnchorTrusted /
// MissingIntermediate split from trust/trustd/SecPolicyServer.c
// (SecPolicyCheckBasicCertificateProcessing) and StatusCodes from
// OSX/sec/Security/SecTrust.c (_SecTrustCopyDetails), all Security-61901.
func TestTrustSettingsClassify(t *testing.T) {
	p := newTestPKI(t)
	full := []*x509.Certificate{p.leaf, p.inter}
	built := []*x509.Certificate{p.leaf, p.inter, p.root}
	opts := trust.VerifyOptions{ServerName: goodHost}
	cases := []struct {
		name      string
		f         evalFailure
		presented []*x509.Certificate
		built     []*x509.Certificate
		now       time.Time
		want      trust.Reason
		depth     int
		codeName  string
	}{
		{"expired leaf", evalFailure{Code: -67818}, full, built, date(2027, 1, 2), trust.ReasonExpired, 0, "errSecCertificateExpired"},
		{"expired code before NotBefore", evalFailure{Code: -67818}, full, built, date(2025, 12, 1), trust.ReasonNotYetValid, 0, "errSecCertificateExpired"},
		{"expired intermediate via details", evalFailure{Code: -67818, Details: []map[string]bool{{}, {"TemporalValidity": true}}}, full, built, date(2027, 1, 2), trust.ReasonExpired, 1, "errSecCertificateExpired"},
		{"host", evalFailure{Code: -67602}, full, built, fixedNow, trust.ReasonHostnameMismatch, 0, "errSecHostNameMismatch"},
		{"not trusted", evalFailure{Code: -67843}, full, full, fixedNow, trust.ReasonUnknownAuthority, 1, "errSecNotTrusted"},
		{"not trusted, leaf only", evalFailure{Code: -67843}, full[:1], full[:1], fixedNow, trust.ReasonMissingIntermediate, 0, "errSecNotTrusted"},
		{"not trusted, details say EKU", evalFailure{Code: -67843, Details: []map[string]bool{{"ExtendedKeyUsage": true}, {}, {}}}, full, built, fixedNow, trust.ReasonWrongUsage, 0, "errSecNotTrusted"},
		{"revoked intermediate", evalFailure{Code: -67820, Details: []map[string]bool{{}, {"Revocation": true}}}, full, built, fixedNow, trust.ReasonRevoked, 1, "errSecCertificateRevoked"},
		{"distrusted anchor", evalFailure{Code: -67654, Details: []map[string]bool{{}, {}, {"UsageConstraints": true}}}, full, built, fixedNow, trust.ReasonDistrusted, -1, "errSecTrustSettingDeny"},
		{"not trusted, details say missing intermediate", evalFailure{Code: -67843, Details: []map[string]bool{{}, {"MissingIntermediate": true}}}, full, full, fixedNow, trust.ReasonUnknownAuthority, 1, "errSecNotTrusted"},
		{"leaf only, details say missing intermediate", evalFailure{Code: -67843, Details: []map[string]bool{{"MissingIntermediate": true}}}, full[:1], full[:1], fixedNow, trust.ReasonMissingIntermediate, 0, "errSecNotTrusted"},
		{"unknown code with details", evalFailure{Code: -12345, Details: []map[string]bool{{"SSLHostname": true}}}, full, built, fixedNow, trust.ReasonHostnameMismatch, 0, ""},
		{"blocklisted leaf arrives as revoked", evalFailure{Code: -67820, Details: []map[string]bool{{"BlackListedLeaf": true}}}, full, built, fixedNow, trust.ReasonDistrusted, 0, "errSecCertificateRevoked"},
		{"blocklisted intermediate key", evalFailure{Code: -67820, Details: []map[string]bool{{}, {"BlackListedKey": true}}}, full, built, fixedNow, trust.ReasonDistrusted, 1, "errSecCertificateRevoked"},
		{"weak key", evalFailure{Code: -67735, Details: []map[string]bool{{"KeySize": true}}}, full, built, fixedNow, trust.ReasonPolicy, 0, "errSecUnsupportedKeySize"},
		{"system-trusted weak key", evalFailure{Code: -67735, Details: []map[string]bool{{}, {"SystemTrustedWeakKey": true}}}, full, built, fixedNow, trust.ReasonPolicy, 1, "errSecUnsupportedKeySize"},
		{"CT required", evalFailure{Code: -67825, Details: []map[string]bool{{"SystemTrustedCTRequired": true}}}, full, built, fixedNow, trust.ReasonPolicy, 0, "errSecVerifyActionFailed"},
		{"non-TLS CT required", evalFailure{Code: -67825, Details: []map[string]bool{{"NonTlsCTRequired": true}}}, full, built, fixedNow, trust.ReasonPolicy, 0, "errSecVerifyActionFailed"},
		{"basic certificate processing", evalFailure{Code: -67690, Details: []map[string]bool{{}, {"BasicCertificateProcessing": true}}}, full, built, fixedNow, trust.ReasonMalformed, 1, "errSecInvalidCertificateRef"},
		{"basic certificate processing under not trusted", evalFailure{Code: -67843, Details: []map[string]bool{{}, {"BasicCertificateProcessing": true}}}, full, built, fixedNow, trust.ReasonMalformed, 1, "errSecNotTrusted"},
		{"leaf only, path built to an untrusted root (AnchorTrusted)", evalFailure{Code: -67843, Details: []map[string]bool{{}, {}, {"AnchorTrusted": true}}}, full[:1], built, fixedNow, trust.ReasonUnknownAuthority, -1, "errSecNotTrusted"},
		{"missing intermediate code", evalFailure{Code: -25318, Details: []map[string]bool{{"MissingIntermediate": true}}}, full[:1], full[:1], fixedNow, trust.ReasonMissingIntermediate, 0, "errSecCreateChainFailed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ve := classifyFailure(c.f, c.presented, c.built, opts, c.now)
			if ve.Reason != c.want || ve.Depth != c.depth {
				t.Fatalf("reason %v depth %d, want %v depth %d (%v)", ve.Reason, ve.Depth, c.want, c.depth, ve)
			}
			if ve.PlatformCode != c.f.Code || ve.PlatformCodeName != c.codeName || ve.Backend != "darwin" {
				t.Errorf("platform code %d %q backend %q", ve.PlatformCode, ve.PlatformCodeName, ve.Backend)
			}
			if ve.IntermediatesSent != len(c.presented)-1 {
				t.Errorf("IntermediatesSent = %d", ve.IntermediatesSent)
			}
			var se *StatusError
			if !errors.As(ve, &se) || se.Code != c.f.Code {
				t.Errorf("the OS error is not kept: %v", ve.Err)
			}
		})
	}
}

func TestClassifyUnknownCodeKeepsDescription(t *testing.T) {
	p := newTestPKI(t)
	f := evalFailure{Code: -67999, Domain: "NSOSStatusErrorDomain", Description: "“good.example.test” has a problem nobody mapped"}
	ve := classifyFailure(f, []*x509.Certificate{p.leaf}, nil, trust.VerifyOptions{ServerName: goodHost}, fixedNow)
	if ve.Reason != trust.ReasonUnknown {
		t.Fatalf("reason %v", ve.Reason)
	}
	s := ve.Error()
	for _, want := range []string{"nobody mapped", "darwin", "-67999"} {
		if !strings.Contains(s, want) {
			t.Errorf("message %q lacks %q", s, want)
		}
	}
}

func TestTrustSettingsResultDetails(t *testing.T) {
	in := map[string]any{
		"TrustResultDetails": []any{
			map[string]any{"SSLHostname": false, "StatusCodes": []any{int64(-67602)}},
			map[string]any{},
			map[string]any{"AnchorTrusted": false, "Odd": true},
		},
		"TrustResultValue": int64(5),
	}
	got, codes := resultDetails(in)
	if len(got) != 3 || !got[0]["SSLHostname"] || len(got[1]) != 0 || !got[2]["AnchorTrusted"] || got[2]["Odd"] {
		t.Fatalf("resultDetails = %v", got)
	}
	if got[0]["StatusCodes"] || !reflect.DeepEqual(codes, [][]int64{{-67602}, nil, nil}) {
		t.Fatalf("StatusCodes must be kept as codes, not a failed check: %v %v", got[0], codes)
	}
	if d, _ := resultDetails(map[string]any{}); len(d) != 0 {
		t.Error("no details must give none")
	}
}
