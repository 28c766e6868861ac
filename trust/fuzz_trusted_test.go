package trust

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/smallstep/pkcs7"
)

// trustedCertificatePEM builds an OpenSSL TRUSTED CERTIFICATE block: the
// certificate's DER followed by X509_CERT_AUX trust/reject lists and alias.
func trustedCertificatePEM(tb testing.TB, c *x509.Certificate) []byte {
	aux, err := asn1.Marshal(x509CertAux{
		Trust:  []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 1}},
		Reject: []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 2}},
		Alias:  "fuzz root",
	})
	if err != nil {
		tb.Fatal(err)
	}
	der := append(append([]byte(nil), c.Raw...), aux...)
	return pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: der})
}

// FuzzTrustedCertificate feeds OpenSSL TRUSTED CERTIFICATE data (a
// certificate followed by trust attributes, as in p11-kit's and Fedora's
// extracted bundles) to its parser without the library's panic recovery,
// and to the anchor path, which must never need that recovery.
func FuzzTrustedCertificate(f *testing.F) {
	root := testpki.Root("Fuzz Trusted Root", testpki.Options{})
	block := trustedCertificatePEM(f, root.Cert)
	f.Add(block)
	p, _ := pem.Decode(block)
	f.Add(p.Bytes)
	f.Add(append(block, root.PEM()...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, tr, err := parseTrustedCertificate(data); (err == nil) != (c != nil && tr != nil) {
			t.Fatalf("certificate %v, trust %v with error %v", c, tr, err)
		}
		anchors, err := anchorsFromData(data, "fuzz")
		if err != nil && strings.Contains(err.Error(), "internal error while parsing") {
			t.Fatalf("a parser panicked (recovered): %v", err)
		}
		if err == nil && len(anchors) == 0 {
			t.Fatal("no error and no anchors")
		}
	})
}

// FuzzParsePKCS7 feeds PKCS#7 certs-only bundles (.p7b files, AIA bodies)
// to the third-party decoder; a panic the library had to recover from is
// reported as a failure so that it is seen, not only survived.
func FuzzParsePKCS7(f *testing.F) {
	root := testpki.Root("Fuzz P7 Root", testpki.Options{})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"p7.example"}})
	p7, err := pkcs7.DegenerateCertificate(append(append([]byte(nil), leaf.Cert.Raw...), root.Cert.Raw...))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p7)
	f.Add(p7[:len(p7)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := parsePKCS7(data)
		if err != nil && strings.Contains(err.Error(), "malformed PKCS#7 data (") {
			t.Fatalf("the PKCS#7 decoder panicked (recovered): %v", err)
		}
		if err == nil && len(certs) == 0 {
			t.Fatal("no error and no certificates")
		}
	})
}

// FuzzParsePin feeds configuration pin strings to ParsePin: an accepted
// pin prints in a form that parses back to itself.
func FuzzParsePin(f *testing.F) {
	root := testpki.Root("Fuzz Pin Root", testpki.Options{})
	pin := PinOf(root.Cert)
	for _, s := range []string{pin.String(), strings.Trim(strings.TrimPrefix(pin.String(), "pin-sha256="), `"`),
		"sha256/" + strings.Trim(strings.TrimPrefix(pin.String(), "pin-sha256="), `"`), "pin-sha256=", "sha256/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePin(s)
		if err != nil {
			return
		}
		q, err := ParsePin(p.String())
		if err != nil || q != p {
			t.Fatalf("ParsePin(%q) = %v, but its String %q parses to %v, %v", s, p, p.String(), q, err)
		}
	})
}

// bodyTransport answers every request with a fixed body.
type bodyTransport []byte

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader(string(b))), ContentLength: -1, Request: r}, nil
}

// FuzzAIABody feeds what a caIssuers URL returns (a body an attacker who
// issued or intercepts the certificate chooses) through the fetcher's
// download path: size limit, then the certificate parser.
func FuzzAIABody(f *testing.F) {
	root := testpki.Root("Fuzz AIA Root", testpki.Options{})
	p7, _ := pkcs7.DegenerateCertificate(root.Cert.Raw)
	f.Add(root.Cert.Raw)
	f.Add(p7)
	f.Add(root.PEM())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		// AllowPrivateNetworks only because the transport is not an
		// *http.Transport (nothing is dialed).
		fe := &AIAFetcher{Client: &http.Client{Transport: bodyTransport(body)}, AllowPrivateNetworks: true}
		certs, err := fe.Fetch(context.Background(), "http://ca.example/issuer.crt")
		if err == nil && len(certs) == 0 {
			t.Fatal("no error and no certificates")
		}
		if err != nil && strings.Contains(err.Error(), "internal error while parsing") {
			t.Fatalf("a parser panicked (recovered): %v", err)
		}
		if len(body) > 64<<10 && err == nil {
			t.Fatalf("a %d-byte body was accepted past the 64 KiB limit", len(body))
		}
	})
}
