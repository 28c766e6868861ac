package native

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// bufCert is a test certificate and its key.
type bufCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// bufPKI is the hierarchy the buffer tests use: a root, a server leaf for
// "buf.example.test" and 127.0.0.1, a client leaf, and an unrelated root.
type bufPKI struct {
	root, server, client, otherRoot, otherServer bufCert
}

// Fixed validity window: the certificates never expire during the tests'
// lifetime and do not depend on the clock at generation.
var (
	bufNotBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	bufNotAfter  = time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)
)

var (
	bufPKIOnce sync.Once
	bufPKIVal  *bufPKI
)

// bufTestPKI returns the process-wide buffer test hierarchy (t may be nil
// in examples).
func bufTestPKI(t testing.TB) *bufPKI {
	if t != nil {
		t.Helper()
	}
	bufPKIOnce.Do(func() {
		root := bufIssue(nil, "Buffer Test Root", true, nil, nil)
		other := bufIssue(nil, "Unrelated Root", true, nil, nil)
		bufPKIVal = &bufPKI{
			root:        root,
			server:      bufIssue(&root, "buf.example.test", false, []string{"buf.example.test"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}),
			client:      bufIssue(&root, "buffer client", false, nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}),
			otherRoot:   other,
			otherServer: bufIssue(&other, "buf.example.test", false, []string{"buf.example.test"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}),
		}
	})
	return bufPKIVal
}

// bufIssue makes a P-256 certificate signed by parent (self-signed when nil).
func bufIssue(parent *bufCert, cn string, ca bool, names []string, eku []x509.ExtKeyUsage) bufCert {
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             bufNotBefore,
		NotAfter:              bufNotAfter,
		BasicConstraintsValid: true,
		IsCA:                  ca,
		DNSNames:              names,
		ExtKeyUsage:           eku,
		KeyUsage:              x509.KeyUsageDigitalSignature,
	}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else if parent != nil && names != nil {
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	var issuer *testpki.Cert
	if parent != nil {
		issuer = &testpki.Cert{Cert: parent.cert, Key: parent.key}
	}
	c := testpki.FromTemplate(tmpl, issuer)
	return bufCert{cert: c.Cert, key: c.Key}
}

// bufServerConfig is a server configuration presenting the server leaf.
func (p *bufPKI) bufServerConfig() trust.Configuration {
	return trust.DefaultConfiguration().WithCertificateChain(p.server.key, p.server.cert)
}

// bufClientConfig is a client configuration trusting the test root.
func (p *bufPKI) bufClientConfig() trust.Configuration {
	return trust.DefaultConfiguration().WithTrustStore(trust.FromCertificates("buffer test root", p.root.cert))
}

// bufWritePEM writes the certificate (and its key, when keyPath is set) as
// PEM files for openssl.
func bufWritePEM(t testing.TB, c bufCert, certPath, keyPath string) {
	t.Helper()
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if keyPath == "" {
		return
	}
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// bufPEMFiles writes root, server cert/key and client cert/key into dir and
// returns their paths.
func (p *bufPKI) bufPEMFiles(t testing.TB, dir string) (root, srvCert, srvKey, cliCert, cliKey string) {
	t.Helper()
	root = filepath.Join(dir, "root.pem")
	srvCert, srvKey = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	cliCert, cliKey = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	bufWritePEM(t, p.root, root, "")
	bufWritePEM(t, p.server, srvCert, srvKey)
	bufWritePEM(t, p.client, cliCert, cliKey)
	return
}
