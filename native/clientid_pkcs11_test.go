package native

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/softhsmtest"
	"github.com/nativetls/nativetls/trust"
)

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
	h.ImportKey(t, "ids", "0a", "0a", p.idA.KeyPEM())
	h.ImportKey(t, "ids", "0b", "0b", p.idB.KeyPEM())
	keyDER, _ := pem.Decode(p.idC.KeyPEM())
	h.Tool(t, "ids", "--write-object", h.WriteFile(t, "0c.key.der", keyDER.Bytes), "--type", "privkey", "--id", "0c", "--label", "0c",
		"--allowed-mechanisms", "RSA-PKCS,SHA256-RSA-PKCS,SHA384-RSA-PKCS,SHA512-RSA-PKCS")
	for _, c := range []struct {
		name, id string
		cert     *x509.Certificate
	}{{"a", "0a", p.idA.Cert}, {"b", "0b", p.idB.Cert}, {"c", "0c", p.idC.Cert},
		{"b-issuing", "1b", p.interB.Cert}, {"ca-b", "2b", p.caB.Cert}} {
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

	addr, seen := mtlsServer(t, p.caB.Cert)
	if _, err := dialWithIdentities(t, addr, src, nil); err != nil {
		t.Fatalf("server wants CA B: %v", err)
	}
	if got := <-seen; got != "b.client.test" {
		t.Fatalf("server wanting CA B saw %q", got)
	}

	addr, _ = mtlsServer(t, p.caC.Cert)
	_, err = dialWithIdentities(t, addr, src, nil)
	var nf *trust.NoClientIdentityError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "c.client.test") || !strings.Contains(err.Error(), "TLS 1.3") {
		t.Fatalf("server wants CA C at TLS 1.3: err = %v, want the RSA identity skipped for TLS 1.3", err)
	}

	addr, seen = mtlsServer(t, p.caC.Cert)
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
