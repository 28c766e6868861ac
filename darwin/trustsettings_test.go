package darwin

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func res(r TrustResult) *TrustResult { return &r }

func TestEvaluateSettings(t *testing.T) {
	ssl := &PolicySSLServer
	basic := &PolicyBasic
	cases := []struct {
		name       string
		settings   []TrustSetting
		selfSigned bool
		policy     Policy
		host       string
		want       TrustResult
		allowed    []int64
	}{
		{"empty array trusts a root", []TrustSetting{}, true, PolicySSLServer, "", ResultTrustRoot, nil},
		{"empty array trusts a non-root as root", []TrustSetting{}, false, PolicySSLServer, "", ResultTrustAsRoot, nil},
		{"no result means TrustRoot", []TrustSetting{{Policy: ssl}}, true, PolicySSLServer, "", ResultTrustRoot, nil},
		{"other policy is skipped", []TrustSetting{{Policy: basic, Result: res(ResultDeny)}}, true, PolicySSLServer, "", ResultUnspecified, nil},
		{"ssl server setting does not cover ssl client", []TrustSetting{{Policy: ssl, Result: res(ResultDeny)}}, true, PolicySSLClient, "", ResultUnspecified, nil},
		{"ssl OID without name covers both", []TrustSetting{{Policy: &Policy{OID: OIDSSL}, Result: res(ResultDeny)}}, true, PolicySSLClient, "", ResultDeny, nil},
		{"no policy applies to all", []TrustSetting{{Result: res(ResultDeny)}}, true, PolicyCodeSigning, "", ResultDeny, nil},
		{"first decision wins", []TrustSetting{{Policy: ssl, Result: res(ResultDeny)}, {Result: res(ResultTrustRoot)}}, true, PolicySSLServer, "", ResultDeny, nil},
		{"unspecified collects allowed errors and goes on", []TrustSetting{{Result: res(ResultUnspecified), AllowedErrors: []int64{-2147408896}}, {Result: res(ResultTrustAsRoot)}}, false, PolicySSLServer, "", ResultTrustAsRoot, []int64{-2147408896}},
		{"only unspecified", []TrustSetting{{Result: res(ResultUnspecified)}}, true, PolicySSLServer, "", ResultUnspecified, nil},
		{"policy string must match host", []TrustSetting{{Policy: ssl, PolicyString: "a.example", Result: res(ResultDeny)}}, true, PolicySSLServer, "b.example", ResultUnspecified, nil},
		{"policy string matches host", []TrustSetting{{Policy: ssl, PolicyString: "A.example.", Result: res(ResultDeny)}}, true, PolicySSLServer, "a.example", ResultDeny, nil},
		{"application-limited setting never applies", []TrustSetting{{Application: true, Result: res(ResultDeny)}}, true, PolicySSLServer, "", ResultUnspecified, nil},
		{"TrustRoot on a non-root is invalid", []TrustSetting{{Result: res(ResultTrustRoot)}}, false, PolicySSLServer, "", ResultUnspecified, nil},
		{"policy name in the OID field", []TrustSetting{{Policy: &Policy{OID: "sslServer"}, Result: res(ResultDeny)}}, true, PolicySSLServer, "", ResultDeny, nil},
		{"policy name in the OID field, other direction", []TrustSetting{{Policy: &Policy{OID: "sslServer"}, Result: res(ResultDeny)}}, true, PolicySSLClient, "", ResultUnspecified, nil},
		{"basic name does not cover ssl", []TrustSetting{{Policy: &Policy{Name: "basicX509"}, Result: res(ResultDeny)}}, true, PolicySSLServer, "", ResultUnspecified, nil},
		{"policy by name only", []TrustSetting{{Policy: &Policy{Name: "sslServer"}, Result: res(ResultDeny)}}, true, PolicySSLServer, "", ResultDeny, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, allowed := EvaluateSettings(c.settings, c.selfSigned, c.policy, c.host)
			if got != c.want || !reflect.DeepEqual(allowed, c.allowed) {
				t.Fatalf("got %v %v, want %v %v", got, allowed, c.want, c.allowed)
			}
		})
	}
}

func TestEffectiveDomainPrecedence(t *testing.T) {
	cs := CertSettings{SelfSigned: true, Domains: map[Domain][]TrustSetting{
		DomainSystem: {},
		DomainAdmin:  {{Result: res(ResultDeny)}},
		DomainUser:   {{Result: res(ResultUnspecified)}},
	}}
	if r, d := cs.Effective(PolicySSLServer, ""); r != ResultDeny || d != DomainAdmin {
		t.Fatalf("user unspecified should fall through to admin deny, got %v from %v", r, d)
	}
	cs.Domains[DomainUser] = []TrustSetting{{Result: res(ResultTrustRoot)}}
	if r, d := cs.Effective(PolicySSLServer, ""); r != ResultTrustRoot || d != DomainUser {
		t.Fatalf("user trust should override admin deny, got %v from %v", r, d)
	}
	none := CertSettings{SelfSigned: true, Domains: map[Domain][]TrustSetting{}}
	if r, _ := none.Effective(PolicyBasic, ""); r != ResultUnspecified {
		t.Fatalf("no domain: %v", r)
	}
}

func TestDecideAnchor(t *testing.T) {
	ssl := &PolicySSLServer
	cases := []struct {
		name    string
		domains map[Domain][]TrustSetting
		want    anchorDecision
	}{
		{"system root", map[Domain][]TrustSetting{DomainSystem: {}}, anchorDecision{Anchor: true, Source: DomainSystem}},
		{"user ssl-only trust", map[Domain][]TrustSetting{DomainUser: {{Policy: ssl, Result: res(ResultTrustRoot)}}},
			anchorDecision{Anchor: true, Purposes: []trust.Usage{trust.UsageServerAuth}, Source: DomainUser}},
		{"admin deny of a system root", map[Domain][]TrustSetting{DomainSystem: {}, DomainAdmin: {{Result: res(ResultDeny)}}},
			anchorDecision{Anchor: true, Distrust: true, Source: DomainAdmin}},
		{"deny ssl only, nothing trusted", map[Domain][]TrustSetting{DomainUser: {{Policy: ssl, Result: res(ResultDeny)}}},
			anchorDecision{Anchor: true, Distrust: true, Source: DomainUser}},
		{"all unspecified", map[Domain][]TrustSetting{DomainUser: {{Result: res(ResultUnspecified)}}},
			anchorDecision{NeedsEval: true, Source: DomainSystem}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decideAnchor(CertSettings{SelfSigned: true, Domains: c.domains})
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestParseTrustSettings(t *testing.T) {
	got, err := parseTrustSettings([]map[string]any{
		{keyPolicy: Policy{OID: OIDSSL}, keyPolicyName: "sslServer", keyResult: int64(3), keyAllowedError: int64(-2147408896), keyPolicyString: "h.example"},
		{keyApplication: opaqueValue{TypeID: 99}, keyKeyUsage: int64(1), "kSecTrustSettingsFutureKey": "ignored"},
		{keyPolicy: OIDBasicX509},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []TrustSetting{
		{Policy: &Policy{OID: OIDSSL, Name: "sslServer"}, Result: res(ResultDeny), AllowedErrors: []int64{-2147408896}, PolicyString: "h.example"},
		{Application: true, KeyUsage: 1},
		{Policy: &Policy{OID: OIDBasicX509}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []map[string]any{
		{keyResult: "1"},
		{keyResult: int64(9)},
		{keyPolicy: int64(1)},
		{keyPolicyString: []byte("x")},
	} {
		if _, err := parseTrustSettings([]map[string]any{bad}); err == nil || !strings.Contains(err.Error(), "entry 0") {
			t.Errorf("%v: want an error naming the entry, got %v", bad, err)
		}
	}
}

func TestBuildAnchors(t *testing.T) {
	p := newTestPKI(t)
	entries := []domainEntry{
		{Domain: DomainSystem, DER: p.otherRoot.Raw, Settings: []TrustSetting{}},
		{Domain: DomainAdmin, DER: p.otherRoot.Raw, Settings: []TrustSetting{{Result: res(ResultDeny)}}},
		{Domain: DomainUser, DER: p.root.Raw, Settings: []TrustSetting{{Policy: &PolicySSLServer}, {Policy: &PolicyBasic}}},
		{Domain: DomainUser, DER: p.inter.Raw, Settings: []TrustSetting{{Result: res(ResultUnspecified)}}},
		{Domain: DomainUser, DER: p.leaf.Raw, Settings: []TrustSetting{{Result: res(ResultUnspecified)}}},
	}
	merged := mergeSettings(entries)
	if len(merged) != 4 || !merged[0].SelfSigned || merged[2].SelfSigned {
		t.Fatalf("merge: %d entries, self-signed %v %v", len(merged), merged[0].SelfSigned, merged[2].SelfSigned)
	}
	var asked [][]byte
	eval := func(der []byte) bool { asked = append(asked, der); return string(der) == string(p.inter.Raw) }
	anchors := buildAnchors(merged, eval)
	if len(anchors) != 3 {
		t.Fatalf("got %d anchors: %+v", len(anchors), anchors)
	}
	if a := anchors[0]; !a.Certificate.Equal(p.otherRoot) || !a.Distrusted || a.Source != "darwin:admin-trust-settings" {
		t.Errorf("denied system root: %+v", a)
	}
	if a := anchors[1]; !a.Certificate.Equal(p.root) || a.Distrusted || !reflect.DeepEqual(a.Purposes, []trust.Usage{trust.UsageServerAuth}) || a.Source != "darwin:user-trust-settings" {
		t.Errorf("user root: %+v", a)
	}
	if a := anchors[2]; !a.Certificate.Equal(p.inter) || a.Distrusted {
		t.Errorf("evaluated intermediate: %+v", a)
	}
	if len(asked) != 2 {
		t.Errorf("basic evaluation asked %d times, want 2 (only unspecified certificates)", len(asked))
	}
}
