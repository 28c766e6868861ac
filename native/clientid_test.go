package native

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// clientPKI is testpki's client-identity fixture written to a directory.
type clientPKI struct {
	*testpki.ClientIDs
	dir string
}

func newClientPKI(t *testing.T) *clientPKI {
	t.Helper()
	p := &clientPKI{ClientIDs: testpki.NewClientIDs(), dir: tempDir(t)}
	if err := p.WriteDir(p.dir); err != nil {
		t.Fatal(err)
	}
	return p
}

// mtlsServer starts a server requiring client certificates from roots and
// reports the subject of each client certificate it accepted.
func mtlsServer(t *testing.T, roots ...*x509.Certificate) (string, <-chan string) {
	t.Helper()
	srvPKI := newPKI(t, testpki.Options{})
	cfg := srvPKI.serverConfig().WithClientAuth(trust.RequireClientCert).
		WithTrustStore(trust.FromCertificates("client CAs", roots...))
	srv, err := NewServerContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 16)
	addr := serveConns(t, srv, func(c *Conn) {
		if c.Handshake() != nil {
			return
		}
		seen <- c.ConnectionState().PeerCertificates[0].Subject.CommonName
		c.Write([]byte("hello\n"))
	})
	clientRoots = srvPKI
	return addr.String(), seen
}

// clientRoots is the PKI of the last mtlsServer, whose root clients trust.
var clientRoots *pki

func dialWithIdentities(t *testing.T, addr string, src trust.ClientIdentitySource, sel trust.ClientIdentitySelector) (string, error) {
	t.Helper()
	cfg := clientRoots.clientConfig().WithClientIdentities(src).WithClientIdentitySelector(sel)
	cc, err := NewClientContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cc.Dial("tcp", strings.Replace(addr, "127.0.0.1", "127.0.0.1", 1))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	line, err := bufio.NewReader(conn).ReadString('\n')
	return line, err
}

func TestClientIdentityChosenByServerCA(t *testing.T) {
	p := newClientPKI(t)
	src, err := ClientIdentities([]string{p.dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ca   *testpki.Cert
		want string
	}{{"CA B through its intermediate", p.CAB, "b.client.test"}, {"CA C, the RSA identity", p.CAC, "c.client.test"}} {
		t.Run(tc.name, func(t *testing.T) {
			addr, seen := mtlsServer(t, tc.ca.Cert)
			if _, err := dialWithIdentities(t, addr, src, nil); err != nil {
				t.Fatalf("mTLS with the identity for %s: %v", tc.ca.Cert.Subject.CommonName, err)
			}
			if got := <-seen; got != tc.want {
				t.Fatalf("server saw %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClientIdentityNothingFits(t *testing.T) {
	p := newClientPKI(t)
	src, err := ClientIdentities([]string{p.dir})
	if err != nil {
		t.Fatal(err)
	}
	other := testpki.Root("Unrelated Client CA", testpki.Options{})
	addr, _ := mtlsServer(t, other.Cert)
	_, err = dialWithIdentities(t, addr, src, nil)
	var nf *trust.NoClientIdentityError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v, want a *trust.NoClientIdentityError", err)
	}
	msg := err.Error()
	for _, want := range []string{"Unrelated Client CA", "a.client.test", "expired", "b.client.test", "c.client.test", "leads to none"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
}

func TestClientIdentitySelectorDecides(t *testing.T) {
	p := newClientPKI(t)
	src, _ := ClientIdentities([]string{p.dir})
	addr, seen := mtlsServer(t, p.CAB.Cert, p.CAC.Cert)
	var sawCandidates, sawSkipped int
	pickRSA := func(req trust.ClientCertificateRequest, cands []trust.ClientIdentity, skipped []trust.SkippedIdentity) (int, error) {
		sawCandidates, sawSkipped = len(cands), len(skipped)
		for i, c := range cands {
			if c.Chain[0].Subject.CommonName == "c.client.test" {
				return i, nil
			}
		}
		return -1, nil
	}
	if _, err := dialWithIdentities(t, addr, src, pickRSA); err != nil {
		t.Fatal(err)
	}
	if got := <-seen; got != "c.client.test" || sawCandidates != 2 || sawSkipped != 1 {
		t.Fatalf("sent %q; selector saw %d candidates, %d skipped; want c.client.test, 2, 1", got, sawCandidates, sawSkipped)
	}
	refuse := func(trust.ClientCertificateRequest, []trust.ClientIdentity, []trust.SkippedIdentity) (int, error) {
		return -1, nil
	}
	_, err := dialWithIdentities(t, addr, src, refuse)
	var nf *trust.NoClientIdentityError
	if !errors.As(err, &nf) || !nf.Refused {
		t.Fatalf("refusing selector: err = %v, want NoClientIdentityError with Refused", err)
	}
}

// TestClientIdentitiesListsUnusableFiles: a file that is neither
// certificate nor key is reported, not dropped.
func TestClientIdentitiesListsUnusableFiles(t *testing.T) {
	p := newClientPKI(t)
	if err := os.WriteFile(filepath.Join(p.dir, "notes.txt"), []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, _ := ClientIdentities([]string{p.dir})
	ids, err := src.ClientIdentities()
	if err != nil {
		t.Fatal(err)
	}
	var usable, unusable int
	for _, id := range ids {
		if id.Unusable != nil {
			unusable++
			if !strings.Contains(id.Source, "notes.txt") {
				t.Errorf("unusable entry %q, want notes.txt", id.Source)
			}
			continue
		}
		usable++
	}
	if usable != 3 || unusable != 1 {
		t.Fatalf("%d usable, %d unusable; want 3 and 1", usable, unusable)
	}
	if _, err := ClientIdentities([]string{"gopher:x"}); err == nil {
		t.Fatal("an unknown scheme was accepted")
	}
}

// A directory source that is not a directory of identities (too many
// files, or too much data) is refused with a message naming it, before
// anything is parsed.
func TestClientIdentityDirectoryBounded(t *testing.T) {
	many := tempDir(t)
	for i := range maxIdentityFiles + 1 {
		if err := os.WriteFile(filepath.Join(many, fmt.Sprintf("f%03d.pem", i)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	big := tempDir(t)
	f, err := os.Create(filepath.Join(big, "huge.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxIdentityBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for dir, want := range map[string]string{many: "more than 256 files", big: "more than 64 MiB"} {
		src, err := ClientIdentities([]string{dir})
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.ClientIdentities()
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dir) {
			t.Fatalf("%s: %v, want an error naming it and %q", dir, err, want)
		}
	}
}

// identityToken makes a SoftHSM token "ids" (user PIN 1234) holding the
// three identities of p: A's expired ECDSA one (id 0a), B's ECDSA one
// (id 0b, with B's intermediate and root), and C's RSA one (id 0c) whose key
// allows only PKCS#1 v1.5 (CKA_ALLOWED_MECHANISMS), so it cannot sign for
// TLS 1.3. It returns the token URI.
func identityToken(t *testing.T, p *clientPKI) string {
	t.Helper()
	h := softhsmtest.New(t, tempDir(t), nil)
	t.Setenv("SOFTHSM2_CONF", h.Conf)
	h.InitToken(t, "ids")
	h.ImportKey(t, "ids", "0a", "0a", p.IDA.KeyPEM())
	h.ImportKey(t, "ids", "0b", "0b", p.IDB.KeyPEM())
	keyDER, _ := pem.Decode(p.IDC.KeyPEM())
	h.Tool(t, "ids", "--write-object", h.WriteFile(t, "0c.key.der", keyDER.Bytes), "--type", "privkey", "--id", "0c", "--label", "0c",
		"--allowed-mechanisms", "RSA-PKCS,SHA256-RSA-PKCS,SHA384-RSA-PKCS,SHA512-RSA-PKCS")
	for _, c := range []struct {
		name, id string
		cert     *x509.Certificate
	}{{"a", "0a", p.IDA.Cert}, {"b", "0b", p.IDB.Cert}, {"c", "0c", p.IDC.Cert},
		{"b-issuing", "1b", p.InterB.Cert}, {"ca-b", "2b", p.CAB.Cert}} {
		h.WriteCert(t, "ids", c.name, c.id, c.cert.Raw)
	}
	return "pkcs11:token=ids?module-path=" + h.Module + "&pin-value=" + softhsmtest.PIN
}

// TestClientIdentityFromToken: a token with three identities from three
// CAs; a server asking for CA B gets the ECDSA identity (through the
// intermediate on the token), one asking for CA C at TLS 1.3 gets none
// (the RSA key cannot do PSS) and at TLS 1.2 the RSA one; CA A's identity
// is expired.
func TestClientIdentityFromToken(t *testing.T) {
	p := newClientPKI(t)
	uri := identityToken(t, p)
	src, err := ClientIdentities([]string{uri})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := src.ClientIdentities()
	if err != nil {
		t.Fatalf("listing the token: %v", err)
	}
	if len(ids) != 3 {
		t.Fatalf("the token lists %d identities, want 3: %+v", len(ids), ids)
	}
	for _, id := range ids {
		if strings.Contains(id.Source, "1234") {
			t.Fatalf("identity source %q shows the PIN", id.Source)
		}
	}

	addr, seen := mtlsServer(t, p.CAB.Cert)
	if _, err := dialWithIdentities(t, addr, src, nil); err != nil {
		t.Fatalf("server wants CA B: %v", err)
	}
	if got := <-seen; got != "b.client.test" {
		t.Fatalf("server wanting CA B saw %q", got)
	}

	addr, _ = mtlsServer(t, p.CAC.Cert)
	_, err = dialWithIdentities(t, addr, src, nil)
	var nf *trust.NoClientIdentityError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "c.client.test") || !strings.Contains(err.Error(), "TLS 1.3") {
		t.Fatalf("server wants CA C at TLS 1.3: err = %v, want the RSA identity skipped for TLS 1.3", err)
	}

	addr, seen = mtlsServer(t, p.CAC.Cert)
	cfg := clientRoots.clientConfig().WithClientIdentities(src).WithVersions(trust.Version(tls.VersionTLS12), trust.Version(tls.VersionTLS12))
	cc, err := NewClientContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cc.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("server wants CA C at TLS 1.2: %v", err)
	}
	conn.Close()
	select {
	case got := <-seen:
		if got != "c.client.test" {
			t.Fatalf("server wanting CA C saw %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server accepted no client certificate")
	}
}

func TestPKCS11ObjectURI(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"pkcs11:token=ids?module-path=/m.so&pin-value=1", "pkcs11:token=ids;id=%0c;type=private?module-path=/m.so&pin-value=1"},
		{"PKCS11:token=ids;object=x;id=%01;type=cert", "pkcs11:token=ids;id=%0c;type=private"},
		{"pkcs11:", "pkcs11:id=%0c;type=private"},
	} {
		if got := pkcs11ObjectURI(c.spec, []byte{0x0c}, "private"); got != c.want {
			t.Errorf("pkcs11ObjectURI(%q) = %q, want %q", c.spec, got, c.want)
		}
	}
	if got := pkcs11ObjectURI("pkcs11:token=ids", nil, "cert"); got != "pkcs11:token=ids;type=cert" {
		t.Errorf("without id: %q", got)
	}
}
