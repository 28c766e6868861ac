package windows

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"crypto/x509"

	"github.com/nativetls/nativetls/trust"
)

// The decisions on the chain engine's output, with the bits real Windows
// sets: Wine's engine cannot produce most of these states.

func TestNeedsExtraRoots(t *testing.T) {
	rows := []struct {
		name string
		bits uint32
		want bool
	}{
		{"trusted", 0, false},
		{"untrusted root", trustIsUntrustedRoot, true},
		{"partial chain", trustIsPartialChain, true},
		// The policy reports CERT_E_EXPIRED first here, which hid the
		// untrusted root from a decision taken on the policy's code.
		{"expired and untrusted root", 0x1 | trustIsUntrustedRoot, true},
		{"revocation unknown and partial", trustRevocationUnknown | trustIsPartialChain, true},
		{"expired under a trusted root", 0x1, false},
		{"revoked under a trusted root", 0x4, false},
		{"distrusted", 0x04000000, false},
	}
	for _, r := range rows {
		if got := needsExtraRoots(r.bits); got != r.want {
			t.Errorf("%s (%s): needsExtraRoots = %v, want %v", r.name, errorBitNames(r.bits), got, r.want)
		}
	}
}

// TestHardFailMeansTheLeaf: hard-fail needs the leaf's status; an
// intermediate whose status is unknown is excused, a revoked one is not.
func TestHardFailMeansTheLeaf(t *testing.T) {
	hard := chainFlags(t.Context(), trust.VerifyOptions{Revocation: trust.RevocationHardFail}).PolicyFlags
	soft := chainFlags(t.Context(), trust.VerifyOptions{}).PolicyFlags
	const unknown, offline, revoked = trustRevocationUnknown, trustIsOfflineRevocation, 0x4
	rows := []struct {
		name     string
		elems    []uint32 // leaf, intermediate, root
		flags    uint32
		excused  bool
		residual uint32
	}{
		{"hard: all known", []uint32{0, 0, 0}, hard, true, 0},
		{"hard: leaf unknown", []uint32{unknown, 0, 0}, hard, false, 0x80092012},
		{"hard: leaf offline", []uint32{offline | unknown, 0, 0}, hard, false, 0x80092012},
		{"hard: intermediate unknown (stapled leaf)", []uint32{0, unknown | offline, 0}, hard, true, 0},
		{"hard: intermediate revoked", []uint32{0, revoked, 0}, hard, true, 0x80092010},
		{"hard: root unknown", []uint32{0, 0, unknown}, hard, true, 0},
		{"soft: leaf unknown", []uint32{unknown, unknown, 0}, soft, true, 0},
		{"soft: leaf revoked", []uint32{revoked | unknown, 0, 0}, soft, true, 0x80092010},
		{"off: nothing excused", []uint32{unknown, 0, 0}, 0, false, 0x80092012},
	}
	for _, r := range rows {
		var chainBits uint32
		for _, b := range r.elems {
			chainBits |= b
		}
		if got := revUnknownExcused(r.elems, r.flags); got != r.excused {
			t.Errorf("%s: revUnknownExcused = %v, want %v", r.name, got, r.excused)
		}
		if got, name := residualStatus(chainBits, r.elems, r.flags); got != r.residual {
			t.Errorf("%s: residualStatus = %#x (%s), want %#x", r.name, got, name, r.residual)
		}
	}
	if hard&policyIgnoreEndRevUnknown != 0 || hard&policyIgnoreCARevUnknown == 0 {
		t.Errorf("hard-fail policy flags [%s]: must excuse CAs and never the leaf", bitNames(hard, policyFlagBits))
	}
}

// TestResidualChainLevelBits: a partial chain is reported on the chain,
// not on an element, and must still fail.
func TestResidualChainLevelBits(t *testing.T) {
	if got, _ := residualStatus(trustIsPartialChain, []uint32{0, 0}, policyIgnoreAllRevUnknown); got != 0x800B010A {
		t.Errorf("partial chain on the chain context only: %#x, want CERT_E_CHAINING", got)
	}
}

// TestECDSARecheck: a chain the engine accepted whose ECDSA signature
// crypto/x509 rejects (CVE-2020-0601) is refused; RSA issuers are left to
// the engine, as Go does.
func TestECDSARecheck(t *testing.T) {
	p := newPKI(t, "nativetls CurveBall Test", testHost)
	opts := trust.VerifyOptions{ServerName: testHost, Time: verifyTime}
	good := builtChain{Certs: []*x509.Certificate{p.leaf, p.inter, p.root}, Bits: make([]uint32, 3)}
	if ve := checkECDSASignatures(good.Certs[:2], good, opts); ve != nil {
		t.Fatalf("good chain: %v", ve)
	}
	for i, name := range []string{"leaf", "intermediate"} {
		certs := []*x509.Certificate{p.leaf, p.inter, p.root}
		certs[i] = tamperSignature(t, certs[i])
		bad := builtChain{Certs: certs, Bits: make([]uint32, 3)}
		ve := checkECDSASignatures(certs[:2], bad, opts)
		if ve == nil {
			t.Fatalf("%s with a bad ECDSA signature accepted", name)
		}
		if ve.Reason != trust.ReasonBadSignature || ve.Depth != i || !bytes.Equal(ve.Certificate.Raw, certs[i].Raw) || !strings.Contains(ve.Detail, "CVE-2020-0601") {
			t.Errorf("%s: %+v", name, ve)
		}
	}
	r := newRSAPKI(t, "nativetls CurveBall RSA Test", testHost)
	certs := []*x509.Certificate{tamperSignature(t, r.leaf), r.inter, r.root}
	if ve := checkECDSASignatures(certs[:2], builtChain{Certs: certs, Bits: make([]uint32, 3)}, opts); ve != nil {
		t.Errorf("RSA issuer re-checked: %v", ve)
	}
}

// TestTrailingDot: "host." is the absolute form of "host"; the SSL policy
// and the name re-check both get the name without the dot.
func TestTrailingDot(t *testing.T) {
	if got := policyServerName(testHost + "."); got != testHost {
		t.Errorf("policyServerName(%q) = %q", testHost+".", got)
	}
	p := newPKI(t, "nativetls Dot Test", testHost)
	built := builtChain{Certs: []*x509.Certificate{p.leaf, p.inter, p.root}, Bits: make([]uint32, 3)}
	params := chainFlags(t.Context(), trust.VerifyOptions{})
	for host, ok := range map[string]bool{testHost + ".": true, testHost: true, "other.example.": false, testHost + "..": false, ".": false, "127.0.0.1.": false} {
		ve := checkName(built.Certs[:2], built, trust.VerifyOptions{ServerName: host}, params)
		if (ve == nil) != ok {
			t.Errorf("checkName(%q) = %v, want accepted=%v", host, ve, ok)
		}
	}
}

func TestBitNames(t *testing.T) {
	if got := errorBitNames(trustIsUntrustedRoot | 0x1 | 0x40000000); got != "CERT_TRUST_IS_NOT_TIME_VALID|CERT_TRUST_IS_UNTRUSTED_ROOT|0x40000000" {
		t.Errorf("errorBitNames = %q", got)
	}
	if got := infoBitNames(0x8 | 0x100); got != "CERT_TRUST_IS_SELF_SIGNED|CERT_TRUST_HAS_PREFERRED_ISSUER" {
		t.Errorf("infoBitNames = %q", got)
	}
	if errorBitNames(0) != "" {
		t.Error("no bits named")
	}
}

// TestLowerQualityChains: a lower-ranked chain the policy accepts wins
// over a best chain it rejects; when none passes, the best chain's error
// is reported.
func TestLowerQualityChains(t *testing.T) {
	errBest, errLower := errors.New("best: untrusted root"), errors.New("lower: expired")
	rows := []struct {
		name    string
		verdict []error
		want    int
		wantErr error
	}{
		{"best accepted", []error{nil, errLower}, 0, nil},
		{"cross-signed: the lower path is trusted", []error{errBest, nil}, 1, nil},
		{"third of three", []error{errBest, errLower, nil}, 2, nil},
		{"none", []error{errBest, errLower}, -1, errBest},
	}
	for _, r := range rows {
		tried := 0
		i, err := firstAccepted(len(r.verdict), func(i int) error { tried++; return r.verdict[i] })
		if i != r.want || err != r.wantErr {
			t.Errorf("%s: firstAccepted = %d, %v; want %d, %v", r.name, i, err, r.want, r.wantErr)
		}
		if r.want >= 0 && tried != r.want+1 {
			t.Errorf("%s: %d chains judged, want %d (stop at the first accepted)", r.name, tried, r.want+1)
		}
	}
	if _, err := firstAccepted(0, nil); err == nil {
		t.Error("no chain accepted")
	}
}
