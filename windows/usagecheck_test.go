package windows

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// TestCheckIssuerUsage: the EKU nesting gate behind the chain policy (Wine's
// chain engine accepted a server certificate under a clientAuth-only CA).
func TestCheckIssuerUsage(t *testing.T) {
	p := newPKI(t, "eku", "a.example")
	ik := ecKey()
	mkInter := func(ekus ...x509.ExtKeyUsage) *x509.Certificate {
		tmpl := caTemplate("eku restricted")
		tmpl.ExtKeyUsage = ekus
		return mkCert(t, tmpl, p.root, ik.Public(), p.rootKey)
	}
	rootT := caTemplate("eku client root")
	rootT.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	clientRoot := mkCert(t, rootT, nil, p.rootKey.Public(), p.rootKey)
	server := chainFlags(context.Background(), trust.VerifyOptions{ServerName: "a.example"})
	client := chainFlags(context.Background(), trust.VerifyOptions{Usage: trust.UsageClientAuth})
	anyUse := chainFlags(context.Background(), trust.VerifyOptions{Usage: trust.UsageAny})
	for _, tt := range []struct {
		name   string
		certs  []*x509.Certificate
		params chainParams
		depth  int // -1: accepted
	}{
		{"no EKU on issuers", []*x509.Certificate{p.leaf, p.inter, p.root}, server, -1},
		{"clientAuth CA, server usage", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageClientAuth), p.root}, server, 1},
		{"clientAuth CA, client usage", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageClientAuth), p.root}, client, -1},
		{"clientAuth CA, any usage", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageClientAuth), p.root}, anyUse, -1},
		{"serverAuth CA", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth), p.root}, server, -1},
		{"anyExtendedKeyUsage CA", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageAny), p.root}, server, -1},
		{"SGC CA counts as server auth", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageMicrosoftServerGatedCrypto), p.root}, server, -1},
		{"SGC CA, client usage", []*x509.Certificate{p.leaf, mkInter(x509.ExtKeyUsageNetscapeServerGatedCrypto), p.root}, client, 1},
		{"clientAuth root, server usage", []*x509.Certificate{p.leaf, p.inter, clientRoot}, server, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			built := builtChain{Certs: tt.certs, Bits: make([]uint32, len(tt.certs))}
			ve := checkIssuerUsage(tt.certs[:len(tt.certs)-1], built, trust.VerifyOptions{ServerName: "a.example"}, tt.params)
			if tt.depth < 0 {
				if ve != nil {
					t.Fatalf("rejected: %v", ve)
				}
				return
			}
			if ve == nil {
				t.Fatal("accepted a chain whose issuer does not allow the usage")
			}
			if ve.Reason != trust.ReasonWrongUsage || ve.PlatformCodeName != "CERT_E_WRONG_USAGE" || !ve.Certificate.Equal(tt.certs[tt.depth]) {
				t.Errorf("got %v (reason %v, code %s, certificate %v), want wrong usage at depth %d", ve, ve.Reason, ve.PlatformCodeName, ve.Certificate.Subject, tt.depth)
			}
			if !strings.Contains(ve.Err.Error(), "limits its extended key usage") {
				t.Errorf("error does not say why: %v", ve.Err)
			}
			t.Log(ve, ve.Err)
		})
	}
}
