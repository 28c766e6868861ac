package linux

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
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

// fedoraFixture is a Fedora/RHEL-layout trust tree: the distribution's
// persist bundle under usr/share/pki/ca-trust-source (this machine's roots,
// dumped by p11-kit's own `trust dump`, plus hand-written distrust,
// stapled-extension and distrust-after entries) and the administrator's
// anchors and blocklist under etc/pki/ca-trust/source.
type fedoraFixture struct {
	paths []string // the p11-kit trust paths, as Fedora configures them
}

// dumpedCertificates returns the certificate (and stapled extension)
// sections of `trust dump` for this machine's p11-kit configuration.
func dumpedCertificates(t *testing.T) []byte {
	t.Helper()
	needTool(t, "trust", "p11-kit")
	cmd := exec.Command("trust", "dump", "--filter=all")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no SSL_CERT_* : p11-kit's own configuration
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("trust dump --filter=all failed (%v): apt-get install -y p11-kit p11-kit-modules", err)
	}
	var keep bytes.Buffer
	for _, sec := range strings.Split(string(out), "[p11-kit-object-v1]") {
		if strings.Contains(sec, "-----BEGIN CERTIFICATE-----") || strings.Contains(sec, "class: x-certificate-extension") {
			keep.WriteString("[p11-kit-object-v1]" + sec)
		}
	}
	if keep.Len() == 0 {
		t.Skip("trust dump printed no certificate: install ca-certificates")
	}
	return keep.Bytes()
}

// pctEncode writes bytes as p11-kit's persist format quotes them.
func pctEncode(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		fmt.Fprintf(&s, "%%%02X", c)
	}
	return `"` + s.String() + `"`
}

// stapled renders a stapled extension object for cert's public key.
func stapled(cert *x509.Certificate, oid asn1.ObjectIdentifier, critical bool, purposes ...asn1.ObjectIdentifier) string {
	inner, _ := asn1.Marshal(purposes)
	ext, _ := asn1.Marshal(struct {
		ID       asn1.ObjectIdentifier
		Critical bool `asn1:"optional"`
		Value    []byte
	}{oid, critical, inner})
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: cert.RawSubjectPublicKeyInfo})
	return fmt.Sprintf("[p11-kit-object-v1]\nclass: x-certificate-extension\nlabel: \"stapled\"\nobject-id: %s\nvalue: %s\nmodifiable: false\n%s\n",
		oid, pctEncode(ext), pub)
}

// certObject renders a certificate object with extra fields.
func certObject(c *testpki.Cert, fields ...string) string {
	return "[p11-kit-object-v1]\nlabel: \"" + url.PathEscape(c.Cert.Subject.CommonName) + "\"\n" + strings.Join(fields, "\n") + "\n" + string(c.PEM()) + "\n"
}

var oidServerAuthPurpose = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}

func newFedoraFixture(t *testing.T) fedoraFixture {
	t.Helper()
	// A short root: p11-kit reports a token's path in a 64-byte slot
	// description, and the fast path needs it whole.
	root, err := os.MkdirTemp("", "fed")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	src := filepath.Join(root, "usr/share/pki/ca-trust-source")
	etc := filepath.Join(root, "etc/pki/ca-trust/source")
	for _, d := range []string{src, filepath.Join(etc, "anchors"), filepath.Join(etc, "blocklist")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bundle := dumpedCertificates(t)
	distrusted := testpki.Root("Persist Distrusted", testpki.Options{})
	serverOnly := testpki.Root("Persist Stapled Server", testpki.Options{})
	after := testpki.Root("Persist Distrust After", testpki.Options{})
	untrusted := testpki.Root("Persist Neither", testpki.Options{})
	var extra strings.Builder
	extra.WriteString(certObject(distrusted, "trusted: false", "x-distrusted: true"))
	extra.WriteString(certObject(serverOnly, "trusted: true", "x-distrusted: false"))
	extra.WriteString(stapled(serverOnly.Cert, oidExtKeyUsage, true, oidServerAuthPurpose))
	extra.WriteString(certObject(after, "trusted: true", `nss-server-distrust-after: "`+url.PathEscape("300101000000Z")+`"`))
	extra.WriteString(certObject(untrusted, "certificate-category: authority"))
	writeFile(t, filepath.Join(src, "ca-bundle.trust.p11-kit"), append(bundle, extra.String()...))
	// A plain certificate at the top of a trust path is not an anchor.
	writeFile(t, filepath.Join(src, "top-level.pem"), testpki.Root("Top Level Plain", testpki.Options{}).PEM())
	writeFile(t, filepath.Join(src, "README"), []byte("This directory holds the distribution's trust sources.\n"))

	// The administrator's anchors (PEM and DER) and a blocklisted
	// distribution root.
	local := testpki.Root("Local Anchor", testpki.Options{})
	writeFile(t, filepath.Join(etc, "anchors", "local.pem"), local.PEM())
	der := testpki.Root("Local DER Anchor", testpki.Options{})
	writeFile(t, filepath.Join(etc, "anchors", "local.cer"), der.Cert.Raw)
	codeOnly := ekuCert(t, "Local Code Signing Only", true, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning})
	writeFile(t, filepath.Join(etc, "anchors", "code.pem"), codeOnly)
	first, _ := pem.Decode(bundle[bytes.Index(bundle, []byte("-----BEGIN CERTIFICATE-----")):])
	writeFile(t, filepath.Join(etc, "blocklist", "blocked.pem"), pem.EncodeToMemory(first))
	// The same certificate as an anchor and blocklisted in one token.
	dup := testpki.Root("Same Token Duplicate", testpki.Options{})
	writeFile(t, filepath.Join(etc, "anchors", "dup.pem"), dup.PEM())
	writeFile(t, filepath.Join(etc, "blocklist", "dup.pem"), dup.PEM())
	// An anchor file that also names a distrusted persist object.
	writeFile(t, filepath.Join(etc, "anchors", "distrusted.p11-kit"), []byte(certObject(testpki.Root("Anchor Dir Distrusted", testpki.Options{}), "x-distrusted: true")))
	return fedoraFixture{paths: []string{etc, src}}
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f fedoraFixture) load(t testing.TB, full bool) *Store {
	t.Helper()
	s := p11KitStore(t, f.paths, full)
	return s
}

// objectSummary renders each anchor with everything the decision sets.
func objectSummary(as []trust.Anchor) []string {
	out := anchorSummary(as)
	for _, a := range as {
		if !a.DistrustAfter.IsZero() {
			out = append(out, a.Certificate.Subject.CommonName+" distrust-after "+a.DistrustAfter.UTC().String())
		}
	}
	sort.Strings(out)
	return out
}

// TestP11KitTreeFastPathMatchesModule compares, anchor by anchor, what the
// fast path and the p11-kit module return on the same Fedora-layout tree.
func TestP11KitTreeFastPathMatchesModule(t *testing.T) {
	needP11Kit(t)
	f := newFedoraFixture(t)
	for _, p := range f.paths {
		if _, err := readTokenTree(p); err != nil {
			t.Fatalf("the fast path cannot read %s: %v", p, err)
		}
	}
	fast, full := f.load(t, false), f.load(t, true)
	for _, r := range fast.Sources() {
		if r.Name == "p11-kit" && !strings.Contains(r.Path, "p11-kit files, read directly") {
			t.Fatalf("the fast path was not taken: %+v", r)
		}
		if r.Err != nil {
			t.Errorf("fast path error: %v", r.Err)
		}
	}
	fa, _ := fast.Anchors(nil)
	fu, _ := full.Anchors(nil)
	got, want := objectSummary(fa), objectSummary(fu)
	if !reflect.DeepEqual(got, want) {
		for _, r := range full.Sources() {
			t.Logf("module source: %+v", r)
		}
		t.Fatalf("fast path and module differ:\n%s", diffLines(got, want))
	}
	// The hand-written entries decided as p11-kit decides them.
	joined := strings.Join(got, "\n")
	for _, w := range []string{"Persist Distrusted  p11-kit", "Persist Stapled Server serverAuth p11-kit",
		"Persist Distrust After distrust-after 2030-01-01",
		"Local Code Signing Only codeSigning p11-kit", "Local DER Anchor  p11-kit", "Anchor Dir Distrusted  p11-kit", "Same Token Duplicate  p11-kit:source distrusted"} {
		if !strings.Contains(joined, w) {
			t.Errorf("missing %q in:\n%s", w, joined)
		}
	}
	if strings.Contains(joined, "Persist Neither") || strings.Contains(joined, "Top Level Plain") {
		t.Error("a certificate neither trusted nor distrusted became an anchor")
	}
}

// diffLines shows the lines only one side has.
func diffLines(got, want []string) string {
	in := func(s []string, x string) bool {
		for _, y := range s {
			if y == x {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, g := range got {
		if !in(want, g) {
			b.WriteString("fast only:   " + g + "\n")
		}
	}
	for _, w := range want {
		if !in(got, w) {
			b.WriteString("module only: " + w + "\n")
		}
	}
	return b.String()
}

// A stapled rejected-purposes extension (or any stapled extension but
// extended key usage) is left to the module: the fast path does not take
// the token.
func TestP11KitTreeRejectExtensionTakesModulePath(t *testing.T) {
	dir := t.TempDir()
	c := testpki.Root("Persist Rejects Email", testpki.Options{})
	data := certObject(c, "trusted: true") + stapled(c.Cert, oidRejectedPurposes, false, oidEmail)
	writeFile(t, filepath.Join(dir, "reject.p11-kit"), []byte(data))
	if _, err := readTokenTree(dir); !errors.Is(err, errPersistUnsupported) {
		t.Fatalf("readTokenTree = %v, want errPersistUnsupported", err)
	}
}
