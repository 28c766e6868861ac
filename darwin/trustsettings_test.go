package darwin

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"reflect"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// The rows below follow Apple's open-source Security project
// (github.com/apple-oss-distributions/Security); each cites the file and
// release it was read from.

func res(r trustResult) *trustResult { return &r }

func ku(v int64) trustSetting { return trustSetting{KeyUsageSet: true, KeyUsage: v} }

// TestTrustSettingsFirstMatch: trust/trustd/SecPolicyServer.c,
// SecPVCGetTrustSettingsResult, SecPVCMeetsConstraint, SecPVCContainsPolicy,
// SecPVCContainsString, SecPVCContainsTrustSettingsKeyUsage (Security-61901).
func TestTrustSettingsFirstMatch(t *testing.T) {
	ssl, basic := &tsPolicySSLServer, &tsPolicyBasic
	anchor := anchorContext(tsPolicySSLServer)
	withHost := anchor
	withHost.Host = "a.example"
	kuSignCert, kuSig := ku(keyUseSignCert), ku(keyUseSignature)
	kuSignCert.Result, kuSig.Result = res(resultDeny), res(resultDeny)
	kuAny := ku(keyUseAny)
	kuAny.Result = res(resultDeny)
	kuMinus := ku(-1)
	kuMinus.Result = res(resultDeny)
	cases := []struct {
		name     string
		settings []trustSetting
		ctx      evalContext
		want     trustResult
		allowed  []int64
	}{
		{"empty array decides nothing", []trustSetting{}, anchor, resultInvalid, nil},
		{"no result means TrustRoot", []trustSetting{{Policy: ssl}}, anchor, resultTrustRoot, nil},
		{"other policy is skipped", []trustSetting{{Policy: basic, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"first match decides: Unspecified stops the search", []trustSetting{{Result: res(resultUnspecified)}, {Result: res(resultTrustRoot)}}, anchor, resultUnspecified, nil},
		{"first match decides: Deny before TrustRoot", []trustSetting{{Policy: ssl, Result: res(resultDeny)}, {Result: res(resultTrustRoot)}}, anchor, resultDeny, nil},
		{"first match decides: Invalid result is returned as is", []trustSetting{{Result: res(resultInvalid)}, {Result: res(resultTrustRoot)}}, anchor, resultInvalid, nil},
		{"allowed errors of every matching entry", []trustSetting{{Result: res(resultUnspecified), AllowedErrors: []int64{-1}}, {Policy: basic, AllowedErrors: []int64{-2}}, {AllowedErrors: []int64{-3}}}, anchor, resultUnspecified, []int64{-1, -3}},
		{"ssl server entry does not cover ssl client", []trustSetting{{Policy: ssl, Result: res(resultDeny)}}, anchorContext(tsPolicySSLClient), resultInvalid, nil},
		{"ssl client entry does not cover ssl server", []trustSetting{{Policy: &tsPolicySSLClient, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"ssl OID without name covers both", []trustSetting{{Policy: &tsPolicy{OID: oidSSL}, Result: res(resultDeny)}}, anchorContext(tsPolicySSLClient), resultDeny, nil},
		{"sslServer name with ssl OID covers a non-client ssl policy", []trustSetting{{Policy: ssl, Result: res(resultDeny)}}, evalContext{Policy: tsPolicy{OID: oidSSL, Name: "pinned"}, KeyUsage: keyUseSignCert}, resultDeny, nil},
		{"names compare case-sensitively", []trustSetting{{Policy: &tsPolicy{Name: "SSLSERVER"}, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"policy by name only", []trustSetting{{Policy: &tsPolicy{Name: "sslServer"}, Result: res(resultDeny)}}, anchor, resultDeny, nil},
		{"empty policy is no policy constraint", []trustSetting{{Policy: &tsPolicy{}, Result: res(resultDeny)}}, anchor, resultDeny, nil},
		{"no policy applies to all", []trustSetting{{Result: res(resultDeny)}}, anchorContext(tsPolicyCodeSigning), resultDeny, nil},
		{"policy name in the OID field is an OID that matches nothing", []trustSetting{{Policy: &tsPolicy{OID: "sslServer"}, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"basic name does not cover ssl", []trustSetting{{Policy: &tsPolicy{Name: "basicX509"}, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"policy string must match the policy's host", []trustSetting{{Policy: ssl, PolicyString: "b.example", Result: res(resultDeny)}}, withHost, resultInvalid, nil},
		{"policy string matches host case-insensitively", []trustSetting{{Policy: ssl, PolicyString: "A.Example", Result: res(resultDeny)}}, withHost, resultDeny, nil},
		{"policy string with old trailing NUL", []trustSetting{{Policy: ssl, PolicyString: "a.example\x00", Result: res(resultDeny)}}, withHost, resultDeny, nil},
		{"policy string without a policy never matches", []trustSetting{{PolicyString: "a.example", Result: res(resultDeny)}}, withHost, resultInvalid, nil},
		{"policy string without host never matches", []trustSetting{{Policy: ssl, PolicyString: "a.example", Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"application-limited entry never applies", []trustSetting{{Application: true, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
		{"policy options entry never applies", []trustSetting{{PolicyOptions: true, Result: res(resultDeny)}, {Result: res(resultTrustAsRoot)}}, anchor, resultTrustAsRoot, nil},
		{"key usage SignCert matches an anchor", []trustSetting{kuSignCert}, anchor, resultDeny, nil},
		{"key usage must equal the use exactly", []trustSetting{kuSig}, anchor, resultInvalid, nil},
		{"key usage Signature|SignCert for code signing", []trustSetting{{KeyUsageSet: true, KeyUsage: keyUseSignature | keyUseSignCert, Result: res(resultDeny)}}, anchorContext(tsPolicyCodeSigning), resultDeny, nil},
		{"key usage any", []trustSetting{kuAny}, anchor, resultDeny, nil},
		{"key usage -1 is not any (int64 compare)", []trustSetting{kuMinus}, anchor, resultInvalid, nil},
		{"key usage 0 matches only a use without bits", []trustSetting{{KeyUsageSet: true, Result: res(resultDeny)}}, anchor, resultInvalid, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, allowed := evaluateSettings(c.settings, c.ctx)
			if got != c.want || !reflect.DeepEqual(allowed, c.allowed) {
				t.Fatalf("got %v %v, want %v %v", got, allowed, c.want, c.allowed)
			}
		})
	}
}

// TestTrustSettingsAnchorRule: trust/trustd/SecPolicyServer.c,
// SecPVCIsAnchorPerConstraints (Security-61901): an empty array makes only
// a self-signed certificate an anchor; otherwise TrustRoot for self-signed,
// TrustAsRoot for not self-signed; Deny is a "denied anchor".
func TestTrustSettingsAnchorRule(t *testing.T) {
	ctx := anchorContext(tsPolicySSLServer)
	cases := []struct {
		name       string
		settings   []trustSetting
		selfSigned bool
		want       anchorVerdict
	}{
		{"empty array, self-signed: unrestricted anchor", []trustSetting{}, true, verdictAnchor},
		{"empty array, not self-signed: invalid", []trustSetting{}, false, verdictNone},
		{"TrustRoot, self-signed", []trustSetting{{Result: res(resultTrustRoot)}}, true, verdictAnchor},
		{"TrustRoot, not self-signed: not an anchor", []trustSetting{{Result: res(resultTrustRoot)}}, false, verdictNone},
		{"no result (TrustRoot), not self-signed: not an anchor", []trustSetting{{Policy: &tsPolicySSLServer}}, false, verdictNone},
		{"TrustAsRoot, not self-signed", []trustSetting{{Result: res(resultTrustAsRoot)}}, false, verdictAnchor},
		{"TrustAsRoot, self-signed: not an anchor", []trustSetting{{Result: res(resultTrustAsRoot)}}, true, verdictNone},
		{"Deny", []trustSetting{{Result: res(resultDeny)}}, true, verdictDeny},
		{"Deny, not self-signed", []trustSetting{{Result: res(resultDeny)}}, false, verdictDeny},
		{"Unspecified first hides a later TrustRoot", []trustSetting{{Result: res(resultUnspecified)}, {Result: res(resultTrustRoot)}}, true, verdictNone},
		{"nothing matches", []trustSetting{{Policy: &tsPolicyBasic}}, true, verdictNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := isAnchorPerConstraints(c.settings, c.selfSigned, ctx); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestTrustSettingsDomainPrecedence: trust/trustd/SecCertificateSource.c,
// SecLegacyAnchorSourceCopyUsageConstraints: admin wins since macOS 11
// (Security-59754.41.1), user wins up to 10.15 (Security-59306.80.4); one
// domain's whole array is used, never merged with the other's. The legacy
// source is consulted before the system anchors (trust/trustd/SecTrustServer.c,
// Security-61901).
func TestTrustSettingsDomainPrecedence(t *testing.T) {
	deny := []trustSetting{{Result: res(resultDeny)}}
	trustRoot := []trustSetting{{Result: res(resultTrustRoot)}}
	unspec := []trustSetting{{Result: res(resultUnspecified)}}
	sslOnly := []trustSetting{{Policy: &tsPolicySSLServer, Result: res(resultTrustRoot)}}
	cases := []struct {
		name    string
		domains map[Domain][]trustSetting
		prec    domainPrecedence
		policy  tsPolicy
		want    anchorVerdict
		from    Domain
	}{
		{"macOS 11+: admin deny beats user trust", map[Domain][]trustSetting{DomainAdmin: deny, DomainUser: trustRoot}, adminWins, tsPolicySSLServer, verdictDeny, DomainAdmin},
		{"macOS 10.15: user trust beats admin deny", map[Domain][]trustSetting{DomainAdmin: deny, DomainUser: trustRoot}, userWins, tsPolicySSLServer, verdictAnchor, DomainUser},
		{"macOS 11+: admin unspecified hides user trust (no fall-through)", map[Domain][]trustSetting{DomainAdmin: unspec, DomainUser: trustRoot}, adminWins, tsPolicySSLServer, verdictNone, DomainSystem},
		{"macOS 10.15: user unspecified hides admin deny (no fall-through)", map[Domain][]trustSetting{DomainAdmin: deny, DomainUser: unspec}, userWins, tsPolicySSLServer, verdictNone, DomainSystem},
		{"no per-policy fall-through: admin ssl-only leaves client unanchored", map[Domain][]trustSetting{DomainAdmin: sslOnly, DomainUser: trustRoot}, adminWins, tsPolicySSLClient, verdictNone, DomainSystem},
		{"macOS 11+: user alone", map[Domain][]trustSetting{DomainUser: trustRoot}, adminWins, tsPolicySSLServer, verdictAnchor, DomainUser},
		{"macOS 10.15: admin alone", map[Domain][]trustSetting{DomainAdmin: deny}, userWins, tsPolicySSLServer, verdictDeny, DomainAdmin},
		{"admin deny of a system root", map[Domain][]trustSetting{DomainSystem: {}, DomainAdmin: deny}, adminWins, tsPolicySSLServer, verdictDeny, DomainAdmin},
		{"unspecified user setting on a system root: still a system anchor", map[Domain][]trustSetting{DomainSystem: {}, DomainUser: unspec}, adminWins, tsPolicySSLServer, verdictAnchor, DomainSystem},
		{"no settings at all", map[Domain][]trustSetting{}, adminWins, tsPolicyBasic, verdictNone, DomainSystem},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := certSettings{SelfSigned: true, Domains: c.domains}
			if v, d := cs.effective(anchorContext(c.policy), c.prec); v != c.want || d != c.from {
				t.Fatalf("got %v from %v, want %v from %v", v, d, c.want, c.from)
			}
		})
	}
}

// TestTrustSettingsPrecedenceForDarwin: Darwin 20 is macOS 11
// (Security-59754), where admin started to win.
func TestTrustSettingsPrecedenceForDarwin(t *testing.T) {
	for rel, want := range map[string]domainPrecedence{
		"19.6.0": userWins, "18.7.0": userWins, "20.1.0": adminWins, "24.0.0": adminWins, "": adminWins, "x": adminWins,
	} {
		if got := precedenceForDarwin(rel); got != want {
			t.Errorf("precedenceForDarwin(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestTrustSettingsDecideAnchor(t *testing.T) {
	ssl := &tsPolicySSLServer
	cases := []struct {
		name       string
		domains    map[Domain][]trustSetting
		selfSigned bool
		want       anchorDecision
	}{
		{"system root", map[Domain][]trustSetting{DomainSystem: {}}, true, anchorDecision{Anchor: true, Source: DomainSystem}},
		{"user ssl-only trust", map[Domain][]trustSetting{DomainUser: {{Policy: ssl, Result: res(resultTrustRoot)}}}, true,
			anchorDecision{Anchor: true, Purposes: []trust.Usage{trust.UsageServerAuth}, Source: DomainUser}},
		{"admin deny of a system root", map[Domain][]trustSetting{DomainSystem: {}, DomainAdmin: {{Result: res(resultDeny)}}}, true,
			anchorDecision{Anchor: true, Distrust: true, Source: DomainAdmin}},
		{"deny ssl only, nothing trusted", map[Domain][]trustSetting{DomainUser: {{Policy: ssl, Result: res(resultDeny)}}}, true,
			anchorDecision{Anchor: true, Distrust: true, Source: DomainUser}},
		{"all unspecified: not listed", map[Domain][]trustSetting{DomainUser: {{Result: res(resultUnspecified)}}}, true, anchorDecision{Source: DomainSystem}},
		{"empty array on a non-self-signed certificate: not listed", map[Domain][]trustSetting{DomainUser: {}}, false, anchorDecision{Source: DomainSystem}},
		{"TrustAsRoot intermediate", map[Domain][]trustSetting{DomainUser: {{Result: res(resultTrustAsRoot)}}}, false, anchorDecision{Anchor: true, Source: DomainUser}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decideAnchor(certSettings{SelfSigned: c.selfSigned, Domains: c.domains}, adminWins)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestTrustSettingsParse: the policy's name comes from
// kSecTrustSettingsPolicyName only; the SecPolicyRef contributes its OID
// (OSX/libsecurity_keychain/lib/TrustSettings.cpp, copyTrustSettings, and
// trust/trustd/SecPolicyServer.c, SecPVCMeetsConstraint, Security-61901).
// kSecPolicyName of SecPolicyCopyProperties is the host the policy checks
// (OSX/sec/Security/SecPolicy.c, SecPolicyCopyProperties).
func TestTrustSettingsParse(t *testing.T) {
	got, err := parseTrustSettings([]map[string]any{
		{keyPolicy: tsPolicy{OID: oidSSL}, keyPolicyName: "sslClient", keyResult: int64(3), keyAllowedError: int64(-2147408896), keyPolicyString: "h.example"},
		{keyApplication: opaqueValue{TypeID: 99}, keyKeyUsage: int64(8), "kSecTrustSettingsFutureKey": "ignored"},
		{keyPolicy: oidBasicX509},
		{keyPolicy: tsPolicy{OID: oidSSL, Name: "www.example.com"}},
		{keyPolicyOpts: map[string]any{"SSLHostname": "x"}, keyPolicyName: "sslServer", keyResult: int64(1)},
		{},                           // dropped: nothing in it
		{keyPolicyName: "sslServer"}, // dropped: a name alone constrains nothing
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []trustSetting{
		{Policy: &tsPolicy{OID: oidSSL, Name: "sslClient"}, Result: res(resultDeny), AllowedErrors: []int64{-2147408896}, PolicyString: "h.example"},
		{Application: true, KeyUsageSet: true, KeyUsage: 8},
		{Policy: &tsPolicy{OID: oidBasicX509}},
		{Policy: &tsPolicy{OID: oidSSL}},
		{Policy: &tsPolicy{Name: "sslServer"}, PolicyOptions: true, Result: res(resultTrustRoot)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	// The sslClient entry must not decide for a server evaluation: before,
	// the name came from kSecPolicyName (a host, usually empty) and this
	// row passed only because that name was empty.
	if r, _ := evaluateSettings(got[:1], anchorContext(tsPolicySSLServer)); r != resultInvalid {
		t.Errorf("sslClient entry decided a server evaluation: %v", r)
	}
	for _, bad := range []map[string]any{
		{keyResult: "1"},
		{keyResult: int64(9)},
		{keyPolicy: int64(1)},
		{keyPolicyString: []byte("x")},
		{keyPolicyName: int64(1), keyResult: int64(1)},
		{keyKeyUsage: "8"},
	} {
		if _, err := parseTrustSettings([]map[string]any{bad}); err == nil || !strings.Contains(err.Error(), "entry 0") {
			t.Errorf("%v: want an error naming the entry, got %v", bad, err)
		}
	}
}

// rawName encodes a one-RDN Name whose common name uses the given ASN.1
// string tag.
func rawName(t *testing.T, tag int, cn string) []byte {
	t.Helper()
	der, err := asn1.Marshal(pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: asn1.RawValue{Tag: tag, Bytes: []byte(cn)}}}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestTrustSettingsSelfSigned: OSX/sec/Security/SecCertificate.c,
// _SecCertificateIsSelfSigned and createNormalizedX501Name (Security-61901):
// normalized issuer == normalized subject, AKID == SKID when an AKID is
// present, and the signature verifies with the certificate's own key.
func TestTrustSettingsSelfSigned(t *testing.T) {
	p := newTestPKI(t)
	window := func(tmpl *x509.Certificate) *x509.Certificate {
		tmpl.NotBefore, tmpl.NotAfter = date(2025, 1, 1), date(2035, 1, 1)
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign
		return tmpl
	}
	key := testpki.NewKey(testpki.ECDSAP256)
	// Subject "Test  root " and issuer "TEST ROOT", both PrintableString:
	// equal after normalization, different bytes.
	issuerParent := &testpki.Cert{Cert: &x509.Certificate{RawSubject: rawName(t, asn1.TagPrintableString, "TEST ROOT")}, Key: key}
	normalized := testpki.DarwinSign(window(&x509.Certificate{RawSubject: rawName(t, asn1.TagPrintableString, " Test  root ")}), key, issuerParent).Cert
	// The same two spellings in UTF8String are not normalized.
	utf8Parent := &testpki.Cert{Cert: &x509.Certificate{RawSubject: rawName(t, asn1.TagUTF8String, "TEST ROOT")}, Key: key}
	utf8 := testpki.DarwinSign(window(&x509.Certificate{RawSubject: rawName(t, asn1.TagUTF8String, "Test root")}), key, utf8Parent).Cert
	// Self-issued, self-signature valid, but AKID != SKID.
	akid := testpki.DarwinSign(window(&x509.Certificate{Subject: pkix.Name{CommonName: "akid"}, SubjectKeyId: []byte{1, 2, 3}, AuthorityKeyId: []byte{4, 5, 6}}), nil, nil).Cert
	akidSame := testpki.DarwinSign(window(&x509.Certificate{Subject: pkix.Name{CommonName: "akid same"}, SubjectKeyId: []byte{1, 2, 3}, AuthorityKeyId: []byte{1, 2, 3}}), nil, nil).Cert
	// Self-issued (same name) but signed by another key.
	otherKey := &testpki.Cert{Cert: &x509.Certificate{RawSubject: rawName(t, asn1.TagPrintableString, "Same")}, Key: testpki.NewKey(testpki.ECDSAP256)}
	foreign := testpki.DarwinSign(window(&x509.Certificate{RawSubject: rawName(t, asn1.TagPrintableString, "Same")}), nil, otherKey).Cert
	cases := []struct {
		name string
		c    *x509.Certificate
		want bool
	}{
		{"root", p.root, true},
		{"intermediate", p.inter, false},
		{"leaf", p.leaf, false},
		{"PrintableString names equal after case folding and blank collapsing", normalized, true},
		{"UTF8String names compared as encoded", utf8, false},
		{"AKID differs from SKID", akid, false},
		{"AKID equals SKID", akidSame, true},
		{"self-issued, signed by another key", foreign, false},
		{"nil", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := isSelfSigned(c.c); got != c.want {
				t.Fatalf("isSelfSigned = %v, want %v", got, c.want)
			}
		})
	}
	// Install never asks for TrustRoot on what Apple considers not
	// self-signed (SecTrustSettingsSetTrustSettings would store a setting
	// trustd ignores: SecPVCIsAnchorPerConstraints).
	for _, c := range []*x509.Certificate{akid, utf8, foreign} {
		for _, s := range installSettings(c) {
			if s.Result != resultTrustAsRoot {
				t.Errorf("%s: install would write %v", c.Subject, s.Result)
			}
		}
	}
}

func TestTrustSettingsNormalizeNameMalformed(t *testing.T) {
	for _, der := range [][]byte{nil, {0x30}, {0x30, 0x02, 0x31, 0x00}, {0x31, 0x00}, append(rawName(t, asn1.TagPrintableString, "x"), 0)} {
		if _, ok := normalizeName(der); ok {
			t.Errorf("normalizeName(%x) accepted", der)
		}
	}
}

func TestTrustSettingsBuildAnchors(t *testing.T) {
	p := newTestPKI(t)
	entries := []domainEntry{
		{Domain: DomainSystem, DER: p.otherRoot.Raw, Settings: []trustSetting{}},
		{Domain: DomainAdmin, DER: p.otherRoot.Raw, Settings: []trustSetting{{Result: res(resultDeny)}}},
		{Domain: DomainUser, DER: p.root.Raw, Settings: []trustSetting{{Policy: &tsPolicySSLServer}, {Policy: &tsPolicyBasic}}},
		{Domain: DomainUser, DER: p.inter.Raw, Settings: []trustSetting{{Result: res(resultTrustAsRoot)}}},
		{Domain: DomainUser, DER: p.leaf.Raw, Settings: []trustSetting{{Result: res(resultUnspecified)}}},
		{Domain: DomainUser, DER: p.client.Raw, Settings: []trustSetting{}},
	}
	merged := mergeSettings(entries)
	if len(merged) != 5 || !merged[0].SelfSigned || merged[2].SelfSigned {
		t.Fatalf("merge: %d entries, self-signed %v %v", len(merged), merged[0].SelfSigned, merged[2].SelfSigned)
	}
	anchors := buildAnchors(merged, adminWins)
	if len(anchors) != 3 {
		t.Fatalf("got %d anchors: %+v", len(anchors), anchors)
	}
	for _, a := range anchors {
		if !a.Platform {
			t.Errorf("an anchor from the trust settings must be marked Platform: %+v", a)
		}
	}
	if a := anchors[0]; !a.Certificate.Equal(p.otherRoot) || !a.Distrusted || a.Source != "darwin:admin-trust-settings" {
		t.Errorf("denied system root: %+v", a)
	}
	if a := anchors[1]; !a.Certificate.Equal(p.root) || a.Distrusted || !reflect.DeepEqual(a.Purposes, []trust.Usage{trust.UsageServerAuth}) || a.Source != "darwin:user-trust-settings" {
		t.Errorf("user root: %+v", a)
	}
	if a := anchors[2]; !a.Certificate.Equal(p.inter) || a.Distrusted || a.Purposes != nil {
		t.Errorf("TrustAsRoot intermediate: %+v", a)
	}
}
