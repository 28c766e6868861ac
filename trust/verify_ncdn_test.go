package trust

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust/internal/profile"
)

// Directory-name and otherName constraints, which crypto/x509 leaves
// unhandled (trust/internal/profile/ncdn.go).

func tlv(tag byte, content ...[]byte) []byte {
	var body []byte
	for _, c := range content {
		body = append(body, c...)
	}
	out, err := asn1.Marshal(asn1.RawValue{FullBytes: nil, Class: int(tag >> 6), Tag: int(tag & 0x1f), IsCompound: tag&0x20 != 0, Bytes: body})
	if err != nil {
		panic(err)
	}
	return out
}

func nameDER(n pkix.Name) []byte {
	b, err := asn1.Marshal(n.ToRDNSequence())
	if err != nil {
		panic(err)
	}
	return b
}

// oidUPN is the DER of 1.3.6.1.4.1.311.20.2.3 (Microsoft UPN).
var oidUPN, _ = asn1.Marshal(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3})

// otherNameGN is an otherName GeneralName holding a UPN.
func otherNameGN(v string) []byte {
	s, _ := asn1.Marshal(v)
	return tlv(0xa0, oidUPN, tlv(0xa0, s))
}

// ncExt builds a critical nameConstraints extension from GeneralName bases.
func ncExt(permitted, excluded [][]byte) pkix.Extension {
	subtrees := func(tag byte, bases [][]byte) []byte {
		if len(bases) == 0 {
			return nil
		}
		var all [][]byte
		for _, b := range bases {
			all = append(all, tlv(0x30, b))
		}
		return tlv(tag, all...)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true,
		Value: tlv(0x30, subtrees(0xa0, permitted), subtrees(0xa1, excluded))}
}

func dirGN(n pkix.Name) []byte { return tlv(0xa4, nameDER(n)) }

func TestDirectoryNameConstraints(t *testing.T) {
	acme := pkix.Name{Organization: []string{"Acme"}}
	inAcme := func(c *x509.Certificate) {
		c.Subject = pkix.Name{Organization: []string{"Acme"}, CommonName: c.Subject.CommonName}
	}
	cases := []struct {
		name    string
		onRoot  bool
		nc      pkix.Extension
		leaf    func(*x509.Certificate)
		inter   func(*x509.Certificate)
		wantErr Reason // -1: accepted
		detail  string
	}{
		{"permitted, on the intermediate", false, ncExt([][]byte{dirGN(acme)}, nil), inAcme, nil, -1, ""},
		{"permitted, on the anchor", true, ncExt([][]byte{dirGN(acme)}, nil), inAcme, inAcme, -1, ""},
		{"outside permitted", false, ncExt([][]byte{dirGN(acme)}, nil), nil, nil, ReasonNameConstraints, "outside the subtrees"},
		{"anchor: intermediate outside permitted", true, ncExt([][]byte{dirGN(acme)}, nil), inAcme, nil, ReasonNameConstraints, `intermediate certificate "R3"`},
		{"excluded", false, ncExt(nil, [][]byte{dirGN(acme)}), inAcme, nil, ReasonNameConstraints, "inside a subtree"},
		{"otherName constraint, no otherName", false, ncExt([][]byte{tlv(0x82, []byte("example.com"))}, [][]byte{otherNameGN("x@example.com")}), nil, nil, -1, ""},
		{"otherName constraint, otherName SAN", false, ncExt(nil, [][]byte{otherNameGN("x@example.com")}), func(c *x509.Certificate) {
			c.ExtraExtensions = []pkix.Extension{{Id: profile.OIDExtSubjectAltName, Value: tlv(0x30, tlv(0x82, []byte("www.example.com")), otherNameGN("a@example.com"))}}
		}, nil, ReasonNameConstraints, "otherName"},
		{"x400Address constraint stays unhandled", false, ncExt(nil, [][]byte{tlv(0xa3, tlv(0x30))}), nil, nil, ReasonMalformed, "critical extension"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			withNC := func(c *x509.Certificate) { c.ExtraExtensions = append(c.ExtraExtensions, tc.nc) }
			o := vtChainOpts{leaf: tc.leaf, inter: func(c *x509.Certificate) {
				if tc.inter != nil {
					tc.inter(c)
				}
				if !tc.onRoot {
					withNC(c)
				}
			}}
			if tc.onRoot {
				o.root = withNC
			}
			p := newVTPKI(t, o)
			var uce x509.UnhandledCriticalExtension
			if err := x509Alone(p.Leaf.Cert, p.Root.Cert, p.Inter.Cert); !errors.As(err, &uce) {
				t.Fatalf("crypto/x509 alone should refuse the unhandled constraint, got %v", err)
			}
			_, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), vtOpts())
			wantVerdict(t, err, tc.wantErr, tc.detail)
		})
	}
}
