package trust

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/smallstep/pkcs7"
	"github.com/youmark/pkcs8"
	"golang.org/x/crypto/ocsp"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust/internal/profile"
)

// Fuzzers of every parser that reads untrusted bytes: certificate and key
// files, trust attributes, PKCS#7 bundles, AIA bodies, OCSP responses, pins.

// wantParsed fails a fuzz input a parser answered with neither results nor
// an error, or with an error saying that a panic was recovered (recovered is
// the text that says so): such a panic must be seen, not only survived.
func wantParsed(t *testing.T, results int, err error, recovered string) {
	t.Helper()
	if err == nil && results == 0 {
		t.Fatal("no error and no results")
	}
	if err != nil && strings.Contains(err.Error(), recovered) {
		t.Fatalf("a parser panicked (recovered): %v", err)
	}
}

// FuzzTrustedCertificate feeds OpenSSL TRUSTED CERTIFICATE data (a
// certificate followed by trust attributes, as in p11-kit's and Fedora's
// extracted bundles) to its parser without the library's panic recovery,
// and to the anchor path, which must never need that recovery.
func FuzzTrustedCertificate(f *testing.F) {
	root := testpki.Root("Fuzz Trusted Root", testpki.Options{})
	block := trustedCertificatePEM(f, root.Cert, x509CertAux{
		Trust:  []asn1.ObjectIdentifier{oidServerAuth},
		Reject: []asn1.ObjectIdentifier{oidClientAuth},
		Alias:  "fuzz root",
	})
	f.Add(block)
	p, _ := pem.Decode(block)
	f.Add(p.Bytes)
	f.Add(append(block, root.PEM()...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, tr, err := parseTrustedCertificate(data); (err == nil) != (c != nil && tr != nil) {
			t.Fatalf("certificate %v, trust %v with error %v", c, tr, err)
		}
		anchors, err := anchorsFromData(data, "fuzz")
		wantParsed(t, len(anchors), err, "internal error while parsing")
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
		wantParsed(t, len(certs), err, "malformed PKCS#7 data (")
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
		wantParsed(t, len(certs), err, "internal error while parsing")
		if len(body) > 64<<10 && err == nil {
			t.Fatalf("a %d-byte body was accepted past the 64 KiB limit", len(body))
		}
	})
}

// FuzzParseCertificates feeds certificate files (PEM, DER, PKCS#7) to
// ParseCertificates and the anchor path.
func FuzzParseCertificates(f *testing.F) {
	root := testpki.Root("Fuzz Root", testpki.Options{})
	p7, _ := pkcs7.DegenerateCertificate(root.Cert.Raw)
	f.Add(root.PEM())
	f.Add(root.Cert.Raw)
	f.Add(p7)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7}))
	f.Add([]byte("-----BEGIN TRUSTED CERTIFICATE-----\nMAA=\n-----END TRUSTED CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := ParseCertificates(data)
		wantParsed(t, len(certs), err, "internal error while parsing")
		if err != nil && certs != nil {
			t.Fatal("certificates returned with an error")
		}
		anchorsFromData(data, "fuzz") // the anchor path (trust attributes) too
	})
}

// FuzzParsePrivateKey feeds key files, plain and encrypted, to
// ParsePrivateKey: a key or an error, never both or neither.
func FuzzParsePrivateKey(f *testing.F) {
	k := testpki.NewKey(testpki.ECDSAP256)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	enc, _ := pkcs8.MarshalPrivateKey(k, []byte("pw"), nil)
	f.Add(der)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}))
	f.Add(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Parameters = ivParam(f, 3) }))
	f.Add(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) { p.Scheme.Algorithm = oidDESEDE3 }))
	f.Add(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) {
		p.KDF = pkix.AlgorithmIdentifier{Algorithm: oidScrypt,
			Parameters: asn1.RawValue{FullBytes: asn1Bytes(f, scryptParams{Salt: []byte("salt"), N: 1 << 10, R: 8, P: 1})}}
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := ParsePrivateKey(data, Password("pw"))
		if (err == nil) == (key == nil) {
			t.Fatalf("key %v with error %v", key, err)
		}
	})
}

// FuzzDecryptPKCS8 feeds arbitrary EncryptedPrivateKeyInfo DER to the
// parameter check and, when it passes, to the decoder: an error or a key,
// never a panic.
func FuzzDecryptPKCS8(f *testing.F) {
	k := testpki.NewKey(testpki.ECDSAP256)
	enc, _ := pkcs8.MarshalPrivateKey(k, []byte("pw"), nil)
	f.Add(enc)
	for _, b := range []string{"3-byte IV", "scrypt"} {
		block, _ := pem.Decode(mutateEncryptedKey(f, func(_ *epkInfo, p *pbes2Params, _ *pbkdf2Params) {
			if b == "scrypt" {
				p.KDF = pkix.AlgorithmIdentifier{Algorithm: oidScrypt,
					Parameters: asn1.RawValue{FullBytes: asn1Bytes(f, scryptParams{Salt: []byte("salt"), N: 1 << 10, R: 8, P: 1})}}
				return
			}
			p.Scheme.Parameters = ivParam(f, 3)
		}))
		f.Add(block.Bytes)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		key, err := decryptPKCS8(der, []byte("pw"))
		if (err == nil) == (key == nil) {
			t.Fatalf("key %v with error %v", key, err)
		}
	})
}

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
