package trust

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

func TestConfigurationImmutable(t *testing.T) {
	base := DefaultConfiguration()
	if !base.Equal(Configuration{}) {
		t.Fatal("DefaultConfiguration is not the zero value")
	}
	if !base.ValidateCertificates() || base.ValidationExplicit() || !base.CheckHostname() {
		t.Fatal("default must validate, implicitly, with hostname check")
	}
	suites := []CipherSuite{0x1301, 0x1302}
	c := base.WithCiphers(suites...).WithInnerProtocols(H2)
	suites[0] = 0xdead
	if c.Ciphers()[0] != 0x1301 {
		t.Fatal("WithCiphers kept the caller's slice")
	}
	got := c.Ciphers()
	got[0] = 0xbeef
	if c.Ciphers()[0] != 0x1301 {
		t.Fatal("Ciphers returned internal storage")
	}
	if base.Ciphers() != nil || base.InnerProtocols() != nil {
		t.Fatal("With methods changed the receiver")
	}
	if c.Equal(base) || !c.Equal(base.WithCiphers(0x1301, 0x1302).WithInnerProtocols(H2)) {
		t.Fatal("Equal does not compare ciphers/protocols by value")
	}
}

func TestConfigurationEqualFuncsAndStores(t *testing.T) {
	cb := func(*tls.ClientHelloInfo, Configuration) (Configuration, error) {
		return Configuration{}, nil
	}
	a := DefaultConfiguration().WithSNICallback(cb)
	if !a.Equal(DefaultConfiguration().WithSNICallback(cb)) {
		t.Fatal("same callback not equal")
	}
	if a.Equal(DefaultConfiguration()) {
		t.Fatal("callback ignored by Equal")
	}
	root := testpki.Root("R", testpki.Options{})
	s1 := FromCertificates("r", root.Cert)
	s2 := FromCertificates("r", root.Cert)
	if !DefaultConfiguration().WithTrustStore(s1).Equal(DefaultConfiguration().WithTrustStore(s1)) {
		t.Fatal("same store not equal")
	}
	if DefaultConfiguration().WithTrustStore(s1).Equal(DefaultConfiguration().WithTrustStore(s2)) {
		t.Fatal("different store instances compare equal")
	}
	leaf := root.Leaf(testpki.Options{})
	c1 := DefaultConfiguration().WithCertificateChain(leaf.Key, leaf.Cert)
	if !c1.Equal(DefaultConfiguration().WithCertificateChain(leaf.Key, leaf.Cert)) {
		t.Fatal("same chain not equal")
	}
	if c1.Equal(c1.WithCertificateChain(leaf.Key, leaf.Cert)) {
		t.Fatal("two chains equal to one")
	}
}

func TestVersionParse(t *testing.T) {
	for in, want := range map[string]Version{"1.2": TLSv1_2, "TLSv1.3": TLSv1_3, "min": MinimumSupported, "max": MaximumSupported} {
		if v, err := ParseVersion(in); err != nil || v != want {
			t.Errorf("ParseVersion(%q) = %v, %v", in, v, err)
		}
	}
	if _, err := ParseVersion("1.4"); err == nil {
		t.Error("1.4 accepted")
	}
	for _, v := range []Version{SSLv3, TLSv1, TLSv1_1, TLSv1_2, TLSv1_3, MinimumSupported, MaximumSupported} {
		if p, err := ParseVersion(v.String()); err != nil || p != v {
			t.Errorf("ParseVersion(%v.String()) = %v, %v", v, p, err)
		}
	}
	if v, ok := SSLv3.GoVersion(0); ok {
		t.Errorf("SSLv3 maps to %x", v)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFromDirectoryReportsBadFiles(t *testing.T) {
	dir := tempDir(t)
	r1 := testpki.Root("Dir Root 1", testpki.Options{})
	r2 := testpki.Root("Dir Root 2", testpki.Options{})
	writeFile(t, dir, "a.pem", r1.PEM())
	writeFile(t, dir, "b.crt", r2.PEM())
	writeFile(t, dir, "README", []byte("not a certificate"))
	bad := writeFile(t, dir, "broken.pem", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	// An OpenSSL hashed link to a.pem is deduplicated.
	if err := os.Symlink("a.pem", filepath.Join(dir, "1a2b3c4d.0")); err != nil {
		t.Fatal(err)
	}
	store, err := FromDirectory(dir)
	var de *DirectoryError
	if !errors.As(err, &de) || len(de.Errors) != 1 || !strings.Contains(err.Error(), bad) {
		t.Fatalf("error %v should report only %s", err, bad)
	}
	anchors, _ := store.Anchors(context.Background())
	if len(anchors) != 2 {
		t.Fatalf("%d anchors, want 2 (hash link deduplicated, README ignored)", len(anchors))
	}
	rep := store.Sources()
	if len(rep) != 1 || rep[0].Anchors != 2 || rep[0].Err == nil {
		t.Fatalf("source report %+v", rep)
	}
	leaf := r2.Leaf(testpki.Options{DNSNames: []string{"d.test"}})
	if _, err := Verify(context.Background(), store, []*x509.Certificate{leaf.Cert}, VerifyOptions{ServerName: "d.test"}); err != nil {
		t.Fatalf("verify against directory store: %v", err)
	}
}

func TestTrustedCertificatePurposes(t *testing.T) {
	emailOnly := testpki.Root("Email Only Root", testpki.Options{})
	rejected := testpki.Root("Rejected Root", testpki.Options{})
	serverRoot := testpki.Root("Server Root", testpki.Options{})
	dir := tempDir(t)
	bundle := append(trustedCertificatePEM(t, emailOnly.Cert, x509CertAux{Trust: []asn1.ObjectIdentifier{oidEmail}}),
		trustedCertificatePEM(t, rejected.Cert, x509CertAux{Reject: []asn1.ObjectIdentifier{oidServerAuth}})...)
	bundle = append(bundle, trustedCertificatePEM(t, serverRoot.Cert, x509CertAux{Trust: []asn1.ObjectIdentifier{oidServerAuth}})...)
	store, err := FromPEMFile(writeFile(t, dir, "bundle.pem", bundle))
	if err != nil {
		t.Fatal(err)
	}
	verify := func(root *testpki.Cert) error {
		leaf := root.Leaf(testpki.Options{DNSNames: []string{"p.test"}})
		_, err := Verify(context.Background(), store, []*x509.Certificate{leaf.Cert}, VerifyOptions{ServerName: "p.test"})
		return err
	}
	if err := verify(serverRoot); err != nil {
		t.Fatalf("server-auth root: %v", err)
	}
	for _, r := range []*testpki.Cert{emailOnly, rejected} {
		if err := verify(r); err == nil {
			t.Fatalf("%s anchored a TLS server chain", r.Cert.Subject.CommonName)
		}
	}
}

func TestUnionDistrustWins(t *testing.T) {
	root := testpki.Root("Union Root", testpki.Options{})
	trusted := FromCertificates("company", root.Cert)
	distrust := NewAnchorStore("blocklist", []Anchor{{Certificate: root.Cert, Source: "blocklist", Distrusted: true}})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"u.test"}})
	_, err := Verify(context.Background(), Union(trusted, distrust), []*x509.Certificate{leaf.Cert}, VerifyOptions{ServerName: "u.test"})
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonDistrusted {
		t.Fatalf("union with distrust: %v", err)
	}
	other := testpki.Root("Other", testpki.Options{})
	u := Union(FromCertificates("a", other.Cert), trusted)
	if _, err := Verify(context.Background(), u, []*x509.Certificate{leaf.Cert}, VerifyOptions{ServerName: "u.test"}); err != nil {
		t.Fatalf("union of two roots: %v", err)
	}
}

func TestCertPoolStore(t *testing.T) {
	root := testpki.Root("Pool Root", testpki.Options{})
	pool := x509.NewCertPool()
	pool.AddCert(root.Cert)
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"pool.test"}})
	if _, err := Verify(context.Background(), FromCertPool(pool), []*x509.Certificate{leaf.Cert}, VerifyOptions{ServerName: "pool.test"}); err != nil {
		t.Fatal(err)
	}
}

// A root whose basicConstraints is not marked critical fails the default
// profile's anchor check when a program supplies it, but not when the
// operating system's own configuration does (Anchor.Platform): the OS's
// decision stands, as on Windows and macOS.
func TestPlatformAnchorSkipsAnchorProfileChecks(t *testing.T) {
	bc, _ := asn1.Marshal(struct{ IsCA bool }{true})
	issuer := testpki.FromTemplate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "Old Root"}, SubjectKeyId: []byte{1, 2, 3, 4},
		NotBefore: testpki.Clock.Add(-time.Hour), NotAfter: testpki.Clock.Add(time.Hour * 24 * 365),
		KeyUsage:        x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Critical: false, Value: bc}},
	}, nil)
	if !issuer.Cert.IsCA {
		t.Fatal("fixture: the root is not a CA")
	}
	oldRoot := issuer.Cert
	inter := issuer.Intermediate("Old Intermediate", testpki.At(testpki.Clock))
	leaf := inter.Leaf(testpki.Options{DNSNames: []string{"old.test"}, NotBefore: testpki.Clock.Add(-time.Hour)})
	chain := []*x509.Certificate{leaf.Cert, inter.Cert}
	// The anchor checks are issuance rules: strict profile only.
	opts := VerifyOptions{ServerName: "old.test", Strict: true, Time: testpki.Clock}

	program := NewAnchorStore("program roots", []Anchor{{Certificate: oldRoot}})
	_, err := Verify(context.Background(), program, chain, opts)
	var ce *ChainCheckError
	if !errors.As(err, &ce) || ce.Check != "anchor-basic-constraints-critical" {
		t.Fatalf("program-supplied root with non-critical basicConstraints: %v", err)
	}
	platform := NewAnchorStore("os roots", []Anchor{{Certificate: oldRoot, Platform: true}})
	if _, err := Verify(context.Background(), platform, chain, opts); err != nil {
		t.Fatalf("platform root with non-critical basicConstraints: %v", err)
	}
	// The other checks still apply to chains ending at a platform root.
	noEKU := inter.Leaf(testpki.Options{DNSNames: []string{"old.test"}, EKUs: []x509.ExtKeyUsage{}, NotBefore: testpki.Clock.Add(-time.Hour)})
	_, err = Verify(context.Background(), platform, []*x509.Certificate{noEKU.Cert, inter.Cert}, opts)
	if !errors.As(err, &ce) || ce.Check != "leaf-eku-strict" {
		t.Fatalf("leaf without EKU under a platform root: %v", err)
	}
}
