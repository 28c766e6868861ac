package darwin

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

func TestClassifyFailure(t *testing.T) {
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

func TestResultDetails(t *testing.T) {
	in := map[string]any{
		"TrustResultDetails": []any{
			map[string]any{"SSLHostname": false},
			map[string]any{},
			map[string]any{"AnchorTrusted": false, "Odd": true},
		},
		"TrustResultValue": int64(5),
	}
	got := resultDetails(in)
	if len(got) != 3 || !got[0]["SSLHostname"] || len(got[1]) != 0 || !got[2]["AnchorTrusted"] || got[2]["Odd"] {
		t.Fatalf("resultDetails = %v", got)
	}
	if len(resultDetails(map[string]any{})) != 0 {
		t.Error("no details must give none")
	}
}
