package trust

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust/internal/profile"
)

// One test per profile check, each with a generated certificate that
// violates exactly that rule; and the ordinary chains that must pass all
// of them, strict profile included.

func TestOrdinaryChainsPassEveryCheck(t *testing.T) {
	for _, rsaKeys := range []bool{false, true} {
		p := newVTPKI(t, vtChainOpts{rsa: rsaKeys})
		for _, strict := range []bool{false, true} {
			o := vtOpts()
			o.Strict = strict
			chains, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o)
			if err != nil || len(chains) != 1 || len(chains[0]) != 3 {
				t.Errorf("rsa=%v strict=%v: %v (%d chains)", rsaKeys, strict, err, len(chains))
			}
		}
	}
}

// bcExt is a raw basicConstraints cA=TRUE extension.
func bcExt(critical bool) pkix.Extension {
	v, _ := asn1.Marshal(struct{ IsCA bool }{true})
	return pkix.Extension{Id: profile.OIDExtBasicConstraints, Critical: critical, Value: v}
}

// rawCA makes tmpl a CA through a hand-written basicConstraints, so that
// crypto/x509 adds no subjectKeyIdentifier of its own.
func rawCA(tmpl *x509.Certificate, bcCritical bool, ski []byte) {
	tmpl.BasicConstraintsValid, tmpl.IsCA = false, false
	tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, bcExt(bcCritical))
	tmpl.SubjectKeyId = ski
}

func sanExt(t *testing.T, critical bool, name string) pkix.Extension {
	v, err := asn1.Marshal([]asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte(name)}})
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: profile.OIDExtSubjectAltName, Critical: critical, Value: v}
}

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type checkCase struct {
	check string
	opts  func(*VerifyOptions)
	// chain returns the chain (leaf first, anchor last) to check.
	chain func(t *testing.T) []*x509.Certificate
}

func pkiChain(o vtChainOpts) func(t *testing.T) []*x509.Certificate {
	return func(t *testing.T) []*x509.Certificate {
		p := newVTPKI(t, o)
		return []*x509.Certificate{p.Leaf.Cert, p.Inter.Cert, p.Root.Cert}
	}
}

// withCopy edits a copy of the parsed certificate at index i of an
// ordinary chain: for fields crypto/x509 will not write (it adds a
// subjectKeyIdentifier to every CA, refuses zero serials).
func withCopy(i int, edit func(c *x509.Certificate)) func(t *testing.T) []*x509.Certificate {
	return func(t *testing.T) []*x509.Certificate {
		ch := pkiChain(vtChainOpts{})(t)
		cp := *ch[i]
		edit(&cp)
		ch[i] = &cp
		return ch
	}
}

var checkCases = []checkCase{
	{check: "max-depth", opts: func(o *VerifyOptions) { o.MaxDepth = MaxDepthNoIntermediates }, chain: pkiChain(vtChainOpts{})},
	{check: "leaf-not-ca", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.IsCA = true }})},
	{check: "leaf-ku-no-certsign", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.KeyUsage |= x509.KeyUsageCertSign }})},
	{check: "eku-not-empty", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) {
		c.ExtKeyUsage = nil
		c.ExtraExtensions = []pkix.Extension{{Id: profile.OIDExtExtKeyUsage, Value: []byte{0x30, 0}}}
	}})},
	{check: "aki-present", chain: func(t *testing.T) []*x509.Certificate {
		p := newVTPKI(t, vtChainOpts{})
		parent := *p.Inter.Cert
		parent.SubjectKeyId = nil
		leaf := vtIssue(t, vtTemplate("www.example.com", false, "www.example.com"), &vtCert{Cert: &parent, Key: p.Inter.Key}, vtECKey(t))
		return []*x509.Certificate{leaf.Cert, p.Inter.Cert, p.Root.Cert}
	}},
	{check: "ski-present", chain: withCopy(1, func(c *x509.Certificate) { c.SubjectKeyId = nil })},
	{check: "anchor-ski-present", chain: withCopy(2, func(c *x509.Certificate) { c.SubjectKeyId = nil })},
	{check: "anchor-aki-present", opts: strictOpt, chain: func(t *testing.T) []*x509.Certificate {
		p := newVTPKI(t, vtChainOpts{})
		parent := *p.Root.Cert
		parent.SubjectKeyId = nil
		inter := vtIssue(t, vtTemplate("R3", true), &vtCert{Cert: &parent, Key: p.Root.Key}, p.Inter.Key)
		return []*x509.Certificate{p.Leaf.Cert, inter.Cert}
	}},
	{check: "ca-basic-constraints-critical", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) { rawCA(c, false, []byte{1, 2, 3}) }})},
	{check: "anchor-basic-constraints-critical", chain: pkiChain(vtChainOpts{root: func(c *x509.Certificate) { rawCA(c, false, []byte{1, 2, 3}) }})},
	{check: "anchor-aki-form", chain: pkiChain(vtChainOpts{root: func(c *x509.Certificate) {
		v, _ := asn1.Marshal([]asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte{7}}})
		c.ExtraExtensions = []pkix.Extension{{Id: profile.OIDExtAuthorityKeyID, Value: v}}
	}})},
	{check: "ca-subject-not-empty", chain: withCopy(1, func(c *x509.Certificate) { c.Subject = pkix.Name{} })},
	{check: "ca-ku-consistent", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageDigitalSignature }})},
	{check: "nc-only-in-ca", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.PermittedDNSDomains = []string{"example.com"} }})},
	{check: "nc-critical", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) { c.PermittedDNSDomains = []string{"example.com"} }})},
	{check: "nc-dns-syntax", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) {
		c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{".example.com"}, true
	}})},
	{check: "policy-constraints-critical", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: profile.OIDExtPolicyConstr, Value: []byte{0x30, 0x03, 0x80, 0x01, 0x00}}}
	}})},
	{check: "san-criticality", chain: func(t *testing.T) []*x509.Certificate {
		return pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) {
			c.DNSNames = nil
			c.ExtraExtensions = []pkix.Extension{sanExt(t, true, "www.example.com")}
		}})(t)
	}},
	{check: "san-dns-syntax", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.DNSNames = append(c.DNSNames, "foo_bar.example.com") }})},
	{check: "cn-in-san", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.Subject.CommonName = "Www.Example.com" }})},
	{check: "key-strength", opts: strictOpt, chain: func(t *testing.T) []*x509.Certificate {
		return withCopy(0, func(c *x509.Certificate) { c.PublicKey = &rsaKey(t, 1024).PublicKey })(t)
	}},
	{check: "weak-rsa-key", chain: func(t *testing.T) []*x509.Certificate {
		weak := testpki.Root("weak", testpki.At(testpki.Clock)).Leaf(testpki.Options{KeyType: testpki.RSA512}).Cert.PublicKey
		return withCopy(0, func(c *x509.Certificate) { c.PublicKey = weak })(t)
	}},
	{check: "serial-number", opts: strictOpt, chain: withCopy(0, func(c *x509.Certificate) { c.SerialNumber = big.NewInt(0) })},
	{check: "leaf-eku-strict", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.ExtKeyUsage = nil }})},
	{check: "leaf-eku-strict", chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageCodeSigning}
	}})},
	{check: "leaf-eku-strict", opts: clientOpt, chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.ExtKeyUsage = nil }})},
	{check: "leaf-eku-strict", opts: clientOpt, chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}})},
	{check: "leaf-eku-strict", opts: clientOpt, chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageTimeStamping}
	}})},
	{check: "intermediate-eku-strict", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageAny, x509.ExtKeyUsageClientAuth}
	}})},
	{check: "critical-policy-qualifiers", chain: pkiChain(vtChainOpts{inter: func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{policyExt(true, asn1.ObjectIdentifier{1, 2, 3, 4})}
	}})},
	{check: "anchor-no-eku", opts: strictOpt, chain: pkiChain(vtChainOpts{root: func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}})},
	{check: "wildcard-public-suffix", opts: func(o *VerifyOptions) { o.Strict, o.ServerName = true, "shop.co.uk" },
		chain: pkiChain(vtChainOpts{leaf: func(c *x509.Certificate) { c.Subject.CommonName, c.DNSNames = "", []string{"*.co.uk"} }})},
	{check: "nc-work-budget", chain: pkiChain(vtChainOpts{
		inter: func(c *x509.Certificate) {
			for i := range 300 {
				c.PermittedDNSDomains = append(c.PermittedDNSDomains, fmt.Sprintf("d%d.example.com", i))
			}
			c.PermittedDNSDomainsCritical = true
		},
		leaf: func(c *x509.Certificate) {
			for i := range 300 {
				c.DNSNames = append(c.DNSNames, fmt.Sprintf("h.d%d.example.com", i))
			}
		},
	})},
}

func strictOpt(o *VerifyOptions) { o.Strict = true }

func clientOpt(o *VerifyOptions) { o.Usage, o.ServerName = UsageClientAuth, "" }

// policyExt is a certificatePolicies extension with anyPolicy and one
// qualifier of type qualifier.
func policyExt(critical bool, qualifier asn1.ObjectIdentifier) pkix.Extension {
	type qualifierInfo struct {
		ID    asn1.ObjectIdentifier
		Value string `asn1:"ia5"`
	}
	type policyInfo struct {
		ID         asn1.ObjectIdentifier
		Qualifiers []qualifierInfo
	}
	v, err := asn1.Marshal([]policyInfo{{ID: asn1.ObjectIdentifier{2, 5, 29, 32, 0}, Qualifiers: []qualifierInfo{{ID: qualifier, Value: "https://example.com/cps"}}}})
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: profile.OIDExtCertPolicies, Critical: critical, Value: v}
}

// profileOf returns the check named name.
func profileOf(t *testing.T, name string) profile.Check {
	for _, ck := range profile.Checks {
		if ck.Name == name {
			return ck
		}
	}
	t.Fatalf("no check %s", name)
	return profile.Check{}
}

// CheckChain is checkChain for a program-supplied anchor.
func CheckChain(chain []*x509.Certificate, opts VerifyOptions) error {
	return checkChain(chain, opts, false)
}

// TestKeyIdentifiersOnlyRequiredForServers: a client certificate of a
// legacy private PKI without key identifiers passes the default profile for
// client authentication, not the strict one.
func TestKeyIdentifiersOnlyRequiredForServers(t *testing.T) {
	ch := withCopy(1, func(c *x509.Certificate) { c.SubjectKeyId = nil })(t)
	ch[0] = withCopy(0, func(c *x509.Certificate) { c.AuthorityKeyId = nil })(t)[0]
	o := vtOpts()
	o.Usage, o.ServerName = UsageClientAuth, ""
	if err := CheckChain(ch, o); err != nil {
		t.Fatalf("default profile, client auth: %v", err)
	}
	o.Strict = true
	var ce *ChainCheckError
	if err := CheckChain(ch, o); !errors.As(err, &ce) || ce.Check != "aki-present" {
		t.Fatalf("strict profile, client auth: %v", err)
	}
}

// TestAnchorAKINamingItself: a root whose authorityKeyIdentifier also names
// its own issuer and serial (as several long-lived public roots do) passes
// the default profile and fails the strict one.
func TestAnchorAKINamingItself(t *testing.T) {
	var rawSubject []byte
	p := newVTPKI(t, vtChainOpts{root: func(c *x509.Certificate) {
		c.SubjectKeyId = []byte{1, 2, 3, 4}
		rawSubject, _ = asn1.Marshal(c.Subject.ToRDNSequence())
		c.SerialNumber = big.NewInt(4242) // named in the AKI below
		serial := c.SerialNumber.Bytes()
		v, err := asn1.Marshal([]asn1.RawValue{
			{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: c.SubjectKeyId},
			{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: mustMarshal(t, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: rawSubject})},
			{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: serial},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.ExtraExtensions = []pkix.Extension{{Id: profile.OIDExtAuthorityKeyID, Value: v}}
	}})
	chain := []*x509.Certificate{p.Leaf.Cert, p.Inter.Cert, p.Root.Cert}
	if string(p.Root.Cert.RawIssuer) != string(rawSubject) {
		t.Fatal("test root's issuer is not the name put in its AKI")
	}
	if err := CheckChain(chain, vtOpts()); err != nil {
		t.Fatalf("default profile: %v", err)
	}
	o := vtOpts()
	o.Strict = true
	var ce *ChainCheckError
	if err := CheckChain(chain, o); !errors.As(err, &ce) || ce.Check != "anchor-aki-form" {
		t.Fatalf("strict profile: %v", err)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProfileChecks(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range checkCases {
		tested[tc.check] = true
		t.Run(tc.check, func(t *testing.T) {
			o := vtOpts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			o.Strict = profileOf(t, tc.check).Strict
			err := CheckChain(tc.chain(t), o)
			var ce *ChainCheckError
			if !errors.As(err, &ce) || ce.Check != tc.check {
				t.Fatalf("want a failure of check %s, got %v", tc.check, err)
			}
			var ve *VerificationError
			if !errors.As(err, &ve) || ve.Certificate == nil || ve.Detail == "" {
				t.Fatalf("error lacks certificate or detail: %#v", err)
			}
			if ce.Strict {
				o.Strict = false
				if err := CheckChain(tc.chain(t), o); errors.As(err, &ce) && ce.Check == tc.check {
					t.Errorf("strict-only check %s ran in the default profile", tc.check)
				}
			}
		})
	}
	for _, ck := range profile.Checks {
		if !tested[ck.Name] {
			t.Errorf("check %s has no test", ck.Name)
		}
		if ck.Rule == "" || ck.EnforcedBy == "" {
			t.Errorf("check %s does not cite its rule and who enforces it", ck.Name)
		}
	}
}

// TestProfileCheckThroughVerify shows a check acting inside a store's
// decision: crypto/x509 accepts the chain, the store rejects it.
func TestProfileCheckThroughVerify(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{leaf: func(c *x509.Certificate) { c.KeyUsage |= x509.KeyUsageCertSign }})
	roots := x509.NewCertPool()
	roots.AddCert(p.Root.Cert)
	inter := x509.NewCertPool()
	inter.AddCert(p.Inter.Cert)
	if _, err := p.Leaf.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: "www.example.com", CurrentTime: vtNow}); err != nil {
		t.Fatalf("crypto/x509 rejects the test chain already: %v", err)
	}
	if _, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), vtOpts()); err != nil {
		t.Fatalf("default profile: %v", err)
	}
	o := vtOpts()
	o.Strict = true
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonWrongUsage || ve.Depth != 0 || ve.IntermediatesSent != 1 {
		t.Fatalf("got %#v", err)
	}
	want := `trust: certificate for "www.example.com" is not allowed for this use (key usage / extended key usage): the end-entity certificate asserts keyCertSign without being a CA (RFC 5280 4.2.1.3) (strict profile check leaf-ku-no-certsign)`
	if ve.Error() != want {
		t.Errorf("message\n got %s\nwant %s", ve.Error(), want)
	}
}
