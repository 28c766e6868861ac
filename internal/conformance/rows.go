package conformance

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

func chainOf(certs ...*testpki.Cert) []*x509.Certificate { return testpki.Chain(certs...) }

func accept() Want               { return Want{Accept: true} }
func reject(r trust.Reason) Want { return Want{Reason: r} }
func host(h string) func(*Fixture, *trust.VerifyOptions) {
	return func(_ *Fixture, o *trust.VerifyOptions) { o.ServerName = h }
}
func strict(_ *Fixture, o *trust.VerifyOptions) { o.Strict = true }

// Rows returns the table. Every backend runs every row.
func Rows() []Row {
	return []Row{
		{Name: "good chain", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Want: accept()},
		{Name: "good chain, root sent, intermediates out of order", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Root, f.Inter) }, Want: accept()},
		{Name: "good chain, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Options: strict, Want: accept()},
		{Name: "good chain by IP", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Options: host(IP), Want: accept()},
		{Name: "trailing-dot host", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Options: host(Host + "."), Want: accept()},
		{Name: "two trailing dots", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Options: host(Host + ".."), Want: reject(trust.ReasonHostnameMismatch)},
		{Name: "expired leaf", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Expired, f.Inter) }, Want: reject(trust.ReasonExpired)},
		{Name: "leaf not yet valid", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.NotYetValid, f.Inter) }, Want: reject(trust.ReasonNotYetValid)},
		{Name: "wrong host", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Options: host("other.test"), Want: reject(trust.ReasonHostnameMismatch)},
		{Name: "wrong IP", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) }, Options: host("192.0.2.99"), Want: reject(trust.ReasonHostnameMismatch)},
		{Name: "wrong EKU", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.ClientOnly, f.Inter) }, Want: reject(trust.ReasonWrongUsage)},
		{Name: "client certificate for client auth", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.ClientOnly, f.Inter) },
			Options: func(_ *Fixture, o *trust.VerifyOptions) { o.ServerName, o.Usage = "", trust.UsageClientAuth }, Want: accept()},
		{Name: "missing intermediate", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.AIALeaf) }, Want: reject(trust.ReasonMissingIntermediate)},
		{Name: "leaf alone, issuer unknown, no AIA", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf) }, Want: reject(trust.ReasonUnknownAuthority)},
		{Name: "leaf alone, issued by an unknown root", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.StrangerDirect) }, Want: reject(trust.ReasonUnknownAuthority)},
		{Name: "untrusted root", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.StrangerLeaf, f.StrangerInter) }, Want: reject(trust.ReasonUnknownAuthority)},
		{Name: "untrusted self-signed root sent", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.StrangerLeaf, f.StrangerInter, f.Stranger) }, Want: reject(trust.ReasonUnknownAuthority)},
		{Name: "max depth 0 (no intermediates)", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) },
			Options: func(_ *Fixture, o *trust.VerifyOptions) { o.MaxDepth = trust.MaxDepthNoIntermediates }, Want: reject(trust.ReasonPolicy)},
		{Name: "max depth 1, one intermediate", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) },
			Options: func(_ *Fixture, o *trust.VerifyOptions) { o.MaxDepth = 1 }, Want: accept()},
		{Name: "max depth 1, two intermediates", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.DeepLeaf, f.Inter2, f.Inter) },
			Options: func(_ *Fixture, o *trust.VerifyOptions) { o.MaxDepth = 1 }, Want: reject(trust.ReasonPolicy)},
		{Name: "CRL does not list the chain", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) },
			Options: func(f *Fixture, o *trust.VerifyOptions) { o.CRLs = []*x509.RevocationList{f.InterCRL, f.RootCRL} }, Want: accept()},
		{Name: "CRL-revoked leaf", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.RevokedLeaf, f.Inter) },
			Options: func(f *Fixture, o *trust.VerifyOptions) { o.CRLs = []*x509.RevocationList{f.InterCRL} }, Want: reject(trust.ReasonRevoked)},
		{Name: "CRL-revoked intermediate", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.RevokedInterLeaf, f.RevokedInter) },
			Options: func(f *Fixture, o *trust.VerifyOptions) { o.CRLs = []*x509.RevocationList{f.RootCRL} }, Want: reject(trust.ReasonRevoked)},
		{Name: "weak RSA-512 leaf", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.WeakRSA, f.Inter) }, Want: reject(trust.ReasonPolicy)},
		{Name: "RSA-1024 leaf, default profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.RSA1024, f.Inter) }, Want: accept()},
		{Name: "RSA-1024 leaf, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.RSA1024, f.Inter) }, Options: strict, Want: reject(trust.ReasonPolicy)},
		{Name: "anyEKU-only leaf, default profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.AnyEKU, f.Inter) }, Want: accept()},
		{Name: "anyEKU-only leaf, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.AnyEKU, f.Inter) }, Options: strict, Want: reject(trust.ReasonWrongUsage)},
		{Name: "leaf without EKU, default profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.NoEKU, f.Inter) }, Want: accept()},
		{Name: "CA certificate as leaf, default profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.CALeaf, f.Inter) }, Want: accept()},
		{Name: "CA certificate as leaf, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.CALeaf, f.Inter) }, Options: strict, Want: reject(trust.ReasonWrongUsage)},
		{Name: "leaf EKU also codeSigning, default profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.CodeSigning, f.Inter) }, Want: accept()},
		{Name: "leaf EKU also codeSigning, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.CodeSigning, f.Inter) }, Options: strict, Want: reject(trust.ReasonWrongUsage)},
		{Name: "intermediate EKU anyEKU+clientAuth, default profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.AnyEKUInterLeaf, f.AnyEKUInter) }, Want: accept()},
		{Name: "intermediate EKU anyEKU+clientAuth, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.AnyEKUInterLeaf, f.AnyEKUInter) }, Options: strict, Want: reject(trust.ReasonWrongUsage)},
		{Name: "leaf without EKU, strict profile", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.NoEKU, f.Inter) }, Options: strict, Want: reject(trust.ReasonWrongUsage)},
		{Name: "name constraints met", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Inside, f.Constrained) }, Options: host("www.allowed.test"), Want: accept()},
		{Name: "name constraints violated", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Outside, f.Constrained) }, Want: reject(trust.ReasonNameConstraints)},
		{Name: "distrusted root", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) },
			Distrusted: func(f *Fixture) []*x509.Certificate { return chainOf(f.Root) }, Want: reject(trust.ReasonDistrusted)},
		{Name: "distrusted intermediate", Chain: func(f *Fixture) []*x509.Certificate { return chainOf(f.Leaf, f.Inter) },
			Distrusted: func(f *Fixture) []*x509.Certificate { return chainOf(f.Inter) }, Want: reject(trust.ReasonDistrusted)},
	}
}
