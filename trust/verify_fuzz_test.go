package trust

import (
	"testing"

	"golang.org/x/crypto/ocsp"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// FuzzCheckOCSPResponse feeds arbitrary bytes where a server's stapled OCSP
// response goes: the checker must return an error or a response, never
// panic.
func FuzzCheckOCSPResponse(f *testing.F) {
	p := newVTPKI(f, vtChainOpts{})
	f.Add(makeOCSP(f, p, ocspSpec{status: ocsp.Good}))
	f.Add(makeOCSP(f, p, ocspSpec{status: ocsp.Revoked, responder: responderCert(f, p.Inter, true)}))
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, der []byte) {
		resp, err := checkOCSPResponse(der, p.Leaf.Cert, p.Inter.Cert, vtNow)
		if err == nil && resp == nil {
			t.Fatal("nil response without error")
		}
	})
}

// FuzzMustStaple parses arbitrary TLS feature extension values.
func FuzzMustStaple(f *testing.F) {
	p := newVTPKI(f, vtChainOpts{leaf: mustStapleLeaf})
	f.Add(profile.FindExt(p.Leaf.Cert, profile.OIDExtTLSFeature).Value)
	f.Fuzz(func(t *testing.T, v []byte) {
		c := *p.Leaf.Cert
		c.Extensions = append(c.Extensions[:0:0], c.Extensions...)
		for i := range c.Extensions {
			if c.Extensions[i].Id.Equal(profile.OIDExtTLSFeature) {
				c.Extensions[i].Value = v
			}
		}
		mustStaple(&c)
	})
}

// FuzzALabel: the A-label hint never panics and yields only ASCII.
func FuzzALabel(f *testing.F) {
	f.Add("bücher.example")
	f.Add("他们为什么不说中文")
	f.Fuzz(func(t *testing.T, host string) {
		for _, r := range aLabel(host) {
			if r >= 0x80 {
				t.Fatalf("aLabel(%q) is not ASCII", host)
			}
		}
	})
}
