package linux

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// ekuCert makes a self-signed certificate with the given extended key usages.
func ekuCert(t *testing.T, cn string, isCA bool, ekus []x509.ExtKeyUsage, unknown ...asn1.ObjectIdentifier) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, NotBefore: certWindow.NotBefore, NotAfter: certWindow.NotAfter,
		IsCA: isCA, BasicConstraintsValid: true, ExtKeyUsage: ekus, UnknownExtKeyUsage: unknown,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	return testpki.FromTemplate(tmpl, nil).PEM()
}

// anchorSummary renders anchors for comparison.
func anchorSummary(as []trust.Anchor) []string {
	var out []string
	for _, a := range as {
		ps := make([]string, len(a.Purposes))
		for i, p := range a.Purposes {
			ps[i] = p.String()
		}
		out = append(out, a.Certificate.Subject.CommonName+" "+strings.Join(ps, ",")+" "+a.Source+map[bool]string{true: " distrusted"}[a.Distrusted])
	}
	sort.Strings(out)
	return out
}

// TestP11KitFastPathMatchesModule loads the same plain PEM token file with
// the fast path and with the module parsing it: the anchors must be equal.
func TestP11KitFastPathMatchesModule(t *testing.T) {
	needP11Kit(t)
	d := t.TempDir()
	var data []byte
	data = append(data, ekuCert(t, "CA no EKU", true, nil)...)
	data = append(data, ekuCert(t, "CA server EKU", true, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth})...)
	data = append(data, ekuCert(t, "CA email+client EKU", true, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth})...)
	data = append(data, ekuCert(t, "CA any EKU", true, []x509.ExtKeyUsage{x509.ExtKeyUsageAny})...)
	data = append(data, ekuCert(t, "CA unknown EKU", true, nil, asn1.ObjectIdentifier{1, 2, 3, 4})...)
	data = append(data, ekuCert(t, "Leaf server", false, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth})...)
	data = append(data, ekuCert(t, "Leaf no EKU", false, nil)...)
	f := filepath.Join(d, "bundle.pem")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	load := func(full bool) *Store {
		s := p11KitStore(t, []string{f}, full)
		return s
	}
	fast, full := load(false), load(true)
	fa, _ := fast.Anchors(nil)
	fu, _ := full.Anchors(nil)
	if got, want := anchorSummary(fa), anchorSummary(fu); !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path:\n%s\nmodule:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(fast.Sources()[0].Path, "read directly") || strings.Contains(full.Sources()[0].Path, "read directly") {
		t.Fatalf("reports do not say which path was taken: %+v / %+v", fast.Sources()[0], full.Sources()[0])
	}
	// A directory token holding OpenSSL TRUSTED CERTIFICATE files takes the
	// full path (directories in p11-kit's own formats may take the fast
	// path: TestP11KitTreeFastPathMatchesModule).
	f2 := newP11KitFixture(t)
	for _, r := range f2.load(t).Sources() {
		if strings.Contains(r.Path, "read directly") {
			t.Fatalf("directory token took the fast path: %+v", r)
		}
	}
}
