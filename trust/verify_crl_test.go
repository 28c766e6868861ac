package trust

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// CRLs given explicitly: revoked, valid list, invalid lists (cRLNumber
// missing or critical, issuer without cRLSign), another issuer's list,
// out-of-date lists under soft and hard fail.

type crlSpec struct {
	revoke     bool
	noNumber   bool
	critNumber bool
	thisUpdate time.Time
	nextUpdate time.Time
}

func makeCRL(t *testing.T, issuer *vtCert, serial *big.Int, s crlSpec) *x509.RevocationList {
	t.Helper()
	if s.thisUpdate.IsZero() {
		s.thisUpdate, s.nextUpdate = vtNow.Add(-time.Hour), vtNow.Add(24*time.Hour)
	}
	tmpl := &x509.RevocationList{Number: big.NewInt(3), ThisUpdate: s.thisUpdate, NextUpdate: s.nextUpdate}
	if s.revoke {
		tmpl.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: serial, RevocationTime: vtNow.Add(-2 * time.Hour)}}
	}
	if s.critNumber {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidExtCRLNumber, Critical: true, Value: []byte{2, 1, 3}}}
	}
	// crypto/x509 insists on cRLSign and on a number; sign through a copy
	// of the issuer that claims cRLSign, and strip the number by hand.
	parent := *issuer.Cert
	parent.KeyUsage |= x509.KeyUsageCRLSign
	crl, err := testpki.IssueCRL(tmpl, &testpki.Cert{Cert: &parent, Key: issuer.Key})
	if err != nil {
		t.Fatal(err)
	}
	if s.noNumber {
		cp := *crl
		cp.Extensions = nil
		crl = &cp
	}
	return crl
}

func TestCRLs(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	noCRLSign := newVTPKI(t, vtChainOpts{inter: func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageCertSign }})
	other := newVTPKI(t, vtChainOpts{})
	old := crlSpec{thisUpdate: vtNow.Add(-72 * time.Hour), nextUpdate: vtNow.Add(-48 * time.Hour)}
	leaf, inter := p.Leaf.Cert.SerialNumber, p.Inter.Cert.SerialNumber
	cases := []struct {
		name   string
		pki    *vtPKI
		issuer *vtCert  // of the CRL
		serial *big.Int // listed in it
		crl    crlSpec
		policy Revocation
		reason Reason // -1: accepted
		detail string
	}{
		{"not listed", p, p.Inter, leaf, crlSpec{}, RevocationSoftFail, -1, ""},
		{"revoked", p, p.Inter, leaf, crlSpec{revoke: true}, RevocationSoftFail, ReasonRevoked, "is listed in the CRL issued 2026-11-22 23:00 UTC"},
		{"revoked, policy off", p, p.Inter, leaf, crlSpec{revoke: true}, RevocationOff, -1, ""},
		{"revoked intermediate", p, p.Root, inter, crlSpec{revoke: true}, RevocationSoftFail, ReasonRevoked, "intermediate certificate \"R3\""},
		{"other issuer's list", p, other.Inter, leaf, crlSpec{revoke: true}, RevocationSoftFail, -1, ""},
		{"no cRLNumber", p, p.Inter, leaf, crlSpec{noNumber: true}, RevocationSoftFail, ReasonRevocationUnknown, "has no cRLNumber extension"},
		{"critical cRLNumber", p, p.Inter, leaf, crlSpec{critNumber: true}, RevocationSoftFail, ReasonRevocationUnknown, "marks its cRLNumber extension critical"},
		{"issuer without cRLSign", noCRLSign, noCRLSign.Inter, noCRLSign.Leaf.Cert.SerialNumber, crlSpec{}, RevocationSoftFail, ReasonRevocationUnknown, "does not include cRLSign"},
		{"out of date, soft", p, p.Inter, leaf, old, RevocationSoftFail, -1, ""},
		{"out of date, hard", p, p.Inter, leaf, old, RevocationHardFail, ReasonRevocationUnknown, "is not current"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := vtOpts()
			o.CRLs, o.Revocation = []*x509.RevocationList{makeCRL(t, tc.issuer, tc.serial, tc.crl)}, tc.policy
			if tc.policy == RevocationHardFail {
				o.OCSPResponse = nil
			}
			_, err := (&Verifier{}).Verify(context.Background(), tc.pki.Store(), tc.pki.Chain(), o)
			wantVerdict(t, err, tc.reason, tc.detail)
		})
	}
}
