package windows

import (
	"context"
	"crypto/x509"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

func TestStatusReason(t *testing.T) {
	rows := []struct {
		code   uint32
		name   string
		reason trust.Reason
	}{
		{0x800B0101, "CERT_E_EXPIRED", trust.ReasonExpired},
		{0x800B0109, "CERT_E_UNTRUSTEDROOT", trust.ReasonUnknownAuthority},
		{0x800B010A, "CERT_E_CHAINING", trust.ReasonUnknownAuthority},
		{0x800B010F, "CERT_E_CN_NO_MATCH", trust.ReasonHostnameMismatch},
		{0x800B010C, "CERT_E_REVOKED", trust.ReasonRevoked},
		{0x80092010, "CRYPT_E_REVOKED", trust.ReasonRevoked},
		{0x80092013, "CRYPT_E_REVOCATION_OFFLINE", trust.ReasonRevocationUnknown},
		{0x80092012, "CRYPT_E_NO_REVOCATION_CHECK", trust.ReasonRevocationUnknown},
		{0x800B010E, "CERT_E_REVOCATION_FAILURE", trust.ReasonRevocationUnknown},
		{0x800B0111, "TRUST_E_EXPLICIT_DISTRUST", trust.ReasonDistrusted},
		{0x800B0110, "CERT_E_WRONG_USAGE", trust.ReasonWrongUsage},
		{0x800B0106, "CERT_E_PURPOSE", trust.ReasonWrongUsage},
		{0x800B0114, "CERT_E_INVALID_NAME", trust.ReasonNameConstraints},
		{0x80096004, "TRUST_E_CERT_SIGNATURE", trust.ReasonBadSignature},
		{0x80096019, "TRUST_E_BASIC_CONSTRAINTS", trust.ReasonPolicy},
		{0x800B0108, "CERT_E_MALFORMED", trust.ReasonMalformed},
		{0x8009310B, "CRYPT_E_ASN1_0x0B", trust.ReasonMalformed},
		{0x800B010B, "TRUST_E_FAIL", trust.ReasonUnknown},
	}
	for _, r := range rows {
		if got := statusReason(r.code); got != r.reason {
			t.Errorf("statusReason(%#x) = %v, want %v", r.code, got, r.reason)
		}
		if got := statusName(r.code); got != r.name {
			t.Errorf("statusName(%#x) = %q, want %q", r.code, got, r.name)
		}
	}
	if statusReason(0x80001234) != trust.ReasonUnknown || statusName(0x80001234) != "" {
		t.Error("an unknown code is not ReasonUnknown with no name")
	}
	if got := statusCodeName(0x80001234); got != "HRESULT 0x80001234" {
		t.Errorf("unknown code renders as %q", got)
	}
	for code, info := range trustStatus {
		if !strings.HasPrefix(info.name, "CERT_E_") && !strings.HasPrefix(info.name, "TRUST_E_") &&
			!strings.HasPrefix(info.name, "CRYPT_E_") && !strings.HasPrefix(info.name, "NTE_") {
			t.Errorf("%#x: odd name %q", code, info.name)
		}
	}
}

func TestTrustBits(t *testing.T) {
	if r, n := trustBitsReason(0x00010000 | 0x00000001); r != trust.ReasonExpired || n != "CERT_TRUST_IS_NOT_TIME_VALID" {
		t.Errorf("partial+time: %v %s", r, n)
	}
	if r, n := trustBitsReason(0); r != trust.ReasonUnknown || n != "" {
		t.Errorf("no bits: %v %s", r, n)
	}
	if r, _ := trustBitsReason(0x04000000 | 0x20); r != trust.ReasonDistrusted {
		t.Errorf("distrust must win, got %v", r)
	}
	rows := []struct {
		bits, flags uint32
		code        uint32
	}{
		{0, 0, 0},
		{0x00010000, 0, 0x800B010A},                                // partial chain → CERT_E_CHAINING
		{0x00000020, 0, 0x800B0109},                                // untrusted root
		{0x00000040, policyIgnoreAllRevUnknown, 0},                 // soft-fail excuses unknown revocation
		{0x00000040, 0, 0x80092012},                                // hard-fail does not
		{0x00000004 | 0x40, policyIgnoreAllRevUnknown, 0x80092010}, // revoked is never excused
		{0x00002000, 0, 0},                                         // undefined name constraint left to the policy
	}
	for _, r := range rows {
		if got, _ := residualStatus(r.bits, []uint32{r.bits}, r.flags); got != r.code {
			t.Errorf("residualStatus(%#x, %#x) = %#x, want %#x", r.bits, r.flags, got, r.code)
		}
	}
	for _, c := range []uint32{0x80004001, 0x80090029, 120} {
		if !notImplemented(c) {
			t.Errorf("%#x not seen as not-implemented", c)
		}
	}
	if notImplemented(0x80090016) {
		t.Error("NTE_BAD_KEYSET seen as not-implemented")
	}
}

func TestPolicyError(t *testing.T) {
	p := newPKI(t, "policy", "a.example")
	opts := trust.VerifyOptions{ServerName: "a.example", Time: verifyTime}
	presented := []*x509.Certificate{p.leaf, p.inter}
	built := builtChain{Certs: []*x509.Certificate{p.leaf, p.inter, p.root}, Bits: []uint32{0, 0x1, 0}}

	ve := policyError(presented, built, 0x800B0101, -1, opts)
	if ve.Reason != trust.ReasonExpired || !ve.Certificate.Equal(p.inter) || ve.Depth != 1 || ve.PlatformCodeName != "CERT_E_EXPIRED" || ve.Backend != "windows" {
		t.Errorf("expired: %+v", ve)
	}
	early := opts
	early.Time = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	if ve := policyError(presented, built, 0x800B0101, -1, early); ve.Reason != trust.ReasonNotYetValid {
		t.Errorf("before NotBefore: %v", ve.Reason)
	}
	only := builtChain{Certs: []*x509.Certificate{p.leaf}, Bits: []uint32{0x00010000}}
	if ve := policyError(presented[:1], only, 0x800B010A, -1, opts); ve.Reason != trust.ReasonMissingIntermediate || ve.IntermediatesSent != 0 {
		t.Errorf("missing intermediate: %+v", ve)
	}
	partial := builtChain{Certs: []*x509.Certificate{p.leaf, p.inter}, Bits: []uint32{0, 0x00010000}}
	if ve := policyError(presented, partial, 0x800B010A, -1, opts); ve.Reason != trust.ReasonUnknownAuthority || ve.Depth != 1 {
		t.Errorf("partial chain: %+v", ve)
	}
	ve = policyError(presented, built, 0x800B010F, 0, opts)
	if ve.Reason != trust.ReasonHostnameMismatch || ve.Depth != 0 || !strings.Contains(ve.Error(), "CERT_E_CN_NO_MATCH") {
		t.Errorf("name: %v", ve)
	}
	ve = policyError(presented, built, 0x80001234, -1, opts)
	if ve.Reason != trust.ReasonUnknown || ve.PlatformCodeName != "HRESULT 0x80001234" || ve.PlatformCode != 0x80001234 {
		t.Errorf("unknown code: %+v", ve)
	}
	t.Log(ve)
}

func TestDistrustSet(t *testing.T) {
	p := newPKI(t, "distrust", "a.example")
	d := newDistrustSet()
	if d.check(nil, []*x509.Certificate{p.leaf, p.inter, p.root}, trust.VerifyOptions{}) != nil {
		t.Fatal("empty set distrusts")
	}
	d.add(p.inter, "windows:CurrentUser/Disallowed")
	ve := d.check([]*x509.Certificate{p.leaf, p.inter}, []*x509.Certificate{p.leaf, p.inter, p.root}, trust.VerifyOptions{})
	if ve == nil || ve.Reason != trust.ReasonDistrusted || ve.Depth != 1 || !strings.Contains(ve.Error(), "windows:CurrentUser/Disallowed") {
		t.Fatalf("got %v", ve)
	}
	// An entry crypto/x509 cannot parse distrusts exactly its bytes: a
	// certificate with other bytes (here: the same one, parseable) passes.
	raw := newDistrustSet()
	neg := testpki.NegativeSerialDER(p.inter)
	if _, err := x509.ParseCertificate(neg); err == nil {
		t.Fatal("crypto/x509 parsed a negative serial number; the fixture is not what this test needs")
	}
	raw.addRaw(neg, "windows:LocalMachine/Disallowed")
	if ve := raw.check(nil, []*x509.Certificate{p.leaf, p.inter, p.root}, trust.VerifyOptions{}); ve != nil {
		t.Errorf("an unparseable entry distrusted another certificate: %v", ve)
	}
	raw.addRaw(p.inter.Raw, "windows:LocalMachine/Disallowed")
	if ve := raw.check(nil, []*x509.Certificate{p.leaf, p.inter, p.root}, trust.VerifyOptions{}); ve == nil || ve.Reason != trust.ReasonDistrusted {
		t.Errorf("byte equality does not distrust: %v", ve)
	}
}

func TestCheckName(t *testing.T) {
	p := newPKI(t, "ip", "a.example")
	tmpl := leafTemplate("ip", "b.example")
	tmpl.IPAddresses = []net.IP{net.ParseIP("::1")}
	k := ecKey()
	leaf := mkCert(t, tmpl, p.inter, k.Public(), p.interKey)
	built := builtChain{Certs: []*x509.Certificate{leaf, p.inter, p.root}, Bits: make([]uint32, 3)}
	params := chainFlags(context.Background(), trust.VerifyOptions{})
	if ve := checkName([]*x509.Certificate{leaf}, built, trust.VerifyOptions{ServerName: "[::1]"}, params); ve != nil {
		t.Errorf("[::1]: %v", ve)
	}
	ve := checkName([]*x509.Certificate{leaf}, built, trust.VerifyOptions{ServerName: "::2"}, params)
	if ve == nil || ve.Reason != trust.ReasonHostnameMismatch || ve.PlatformCodeName != "CERT_E_CN_NO_MATCH" {
		t.Errorf("::2: %v", ve)
	}
	// DNS names are checked too, as a second gate behind the SSL policy
	// (Wine's policy accepted a wrong DNS name for a leaf with IP SANs).
	if ve := checkName([]*x509.Certificate{leaf}, built, trust.VerifyOptions{ServerName: "b.example"}, params); ve != nil {
		t.Errorf("b.example: %v", ve)
	}
	ve = checkName([]*x509.Certificate{leaf}, built, trust.VerifyOptions{ServerName: "a.example"}, params)
	if ve == nil || ve.Reason != trust.ReasonHostnameMismatch {
		t.Errorf("a.example is not in the leaf, yet: %v", ve)
	}
	if policyServerName("10.0.0.1") != "" || policyServerName("a.example") != "a.example" {
		t.Error("policyServerName")
	}
}
