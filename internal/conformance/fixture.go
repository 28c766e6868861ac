package conformance

import (
	"crypto/x509"
	"net"
	"sync"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// Host and IP are the names the fixture's leaves are issued for.
const (
	Host = "conf.test"
	IP   = "192.0.2.10"
)

// Fixture is the certificates the rows use, all valid around
// testpki.Clock unless a row says otherwise. Root and Bystander are the
// trusted roots (Bystander issues nothing: it keeps a store non-empty when a
// row distrusts Root).
type Fixture struct {
	Root, Bystander, Inter, Leaf *testpki.Cert
	// Leaves under Inter that differ from Leaf in one way.
	Expired, NotYetValid, ClientOnly, AnyEKU, NoEKU, WeakRSA, RSA1024 *testpki.Cert
	// CALeaf asserts cA=TRUE; CodeSigning also names codeSigning.
	CALeaf, CodeSigning *testpki.Cert
	// AnyEKUInter has extKeyUsage anyExtendedKeyUsage + clientAuth;
	// AnyEKUInterLeaf is under it.
	AnyEKUInter, AnyEKUInterLeaf *testpki.Cert
	// Inter2 is issued by Inter; DeepLeaf by Inter2 (two intermediates).
	Inter2, DeepLeaf *testpki.Cert
	// AIALeaf is under Inter and names it by an AIA caIssuers URL (on a
	// closed local port: nothing is fetched).
	AIALeaf *testpki.Cert
	// Stranger is a root nobody trusts, with its intermediate and leaf;
	// StrangerDirect is a leaf it issued directly (no AIA).
	Stranger, StrangerInter, StrangerLeaf, StrangerDirect *testpki.Cert
	// Constrained permits only allowed.test; Outside is a leaf for Host
	// under it, Inside one for www.allowed.test.
	Constrained, Outside, Inside *testpki.Cert
	// RevokedLeaf is under Inter and listed in InterCRL; RevokedInter is
	// issued by Root and listed in RootCRL, RevokedInterLeaf is under it.
	RevokedLeaf, RevokedInter, RevokedInterLeaf *testpki.Cert
	InterCRL, RootCRL                           *x509.RevocationList
}

var fixture = sync.OnceValue(build)

// NewFixture returns the fixture (built once per process).
func NewFixture() *Fixture { return fixture() }

func leafAt(parent *testpki.Cert, o testpki.Options) *testpki.Cert {
	if o.NotBefore.IsZero() {
		w := testpki.At(testpki.Clock)
		o.NotBefore, o.NotAfter = w.NotBefore, w.NotAfter
	}
	if o.DNSNames == nil {
		o.DNSNames = []string{Host}
		o.IPs = []net.IP{net.ParseIP(IP)}
	}
	return parent.Leaf(o)
}

func build() *Fixture {
	at := testpki.At(testpki.Clock)
	f := &Fixture{}
	f.Root = testpki.Root("Conformance Root", at)
	f.Bystander = testpki.Root("Conformance Bystander Root", at)
	f.Inter = f.Root.Intermediate("Conformance Intermediate", at)
	f.Leaf = leafAt(f.Inter, testpki.Options{})
	year := 365 * 24 * time.Hour
	f.Expired = leafAt(f.Inter, testpki.Options{NotBefore: testpki.Clock.Add(-2 * year), NotAfter: testpki.Clock.Add(-year)})
	f.NotYetValid = leafAt(f.Inter, testpki.Options{NotBefore: testpki.Clock.Add(24 * time.Hour), NotAfter: testpki.Clock.Add(year)})
	f.ClientOnly = leafAt(f.Inter, testpki.Options{EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	f.AnyEKU = leafAt(f.Inter, testpki.Options{EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	f.NoEKU = leafAt(f.Inter, testpki.Options{EKUs: []x509.ExtKeyUsage{}})
	f.WeakRSA = leafAt(f.Inter, testpki.Options{KeyType: testpki.RSA512})
	f.RSA1024 = leafAt(f.Inter, testpki.Options{KeyType: testpki.RSA1024})
	f.CALeaf = leafAt(f.Inter, testpki.Options{CA: true})
	f.CodeSigning = leafAt(f.Inter, testpki.Options{EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageCodeSigning}})
	anyInter := at
	anyInter.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageAny, x509.ExtKeyUsageClientAuth}
	f.AnyEKUInter = f.Root.Intermediate("AnyEKU Intermediate", anyInter)
	f.AnyEKUInterLeaf = leafAt(f.AnyEKUInter, testpki.Options{})
	f.Inter2 = f.Inter.Intermediate("Conformance Intermediate 2", at)
	f.DeepLeaf = leafAt(f.Inter2, testpki.Options{})
	f.Stranger = testpki.Root("Stranger Root", at)
	f.StrangerInter = f.Stranger.Intermediate("Stranger Intermediate", at)
	f.StrangerLeaf = leafAt(f.StrangerInter, testpki.Options{})
	f.StrangerDirect = leafAt(f.Stranger, testpki.Options{})
	f.AIALeaf = leafAt(f.Inter, testpki.Options{AIA: []string{"http://127.0.0.1:9/conformance-intermediate.crt"}})
	cons := at
	cons.PermittedDNSDomains = []string{"allowed.test"}
	f.Constrained = f.Root.Intermediate("Constrained Intermediate", cons)
	f.Outside = leafAt(f.Constrained, testpki.Options{})
	f.Inside = leafAt(f.Constrained, testpki.Options{DNSNames: []string{"www.allowed.test"}})
	f.RevokedLeaf = leafAt(f.Inter, testpki.Options{})
	f.RevokedInter = f.Root.Intermediate("Revoked Intermediate", at)
	f.RevokedInterLeaf = leafAt(f.RevokedInter, testpki.Options{})
	crlTime := testpki.Clock.Add(-time.Hour)
	f.InterCRL = f.Inter.CRL(crlTime, f.RevokedLeaf)
	f.RootCRL = f.Root.CRL(crlTime, f.RevokedInter)
	return f
}

// options are the rows' starting options.
func (f *Fixture) options() trust.VerifyOptions {
	return trust.VerifyOptions{ServerName: Host, Time: testpki.Clock, DisableFetch: true}
}
