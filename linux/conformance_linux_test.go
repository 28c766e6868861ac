package linux

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// issueLeaf makes a leaf under parent with a given validity window.
func issueLeaf(t *testing.T, parent testCert, host string, from, to time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serialCtr.Add(1) + 5000),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    from, NotAfter: to,
		DNSNames:    []string{host},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, &parent.key.PublicKey, parent.key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// TestConformanceWithPortable runs the same rows against the Linux store
// (anchor from the real p11-kit module) and the portable store over the same
// root: both must decide alike, with the same reason.
func TestConformanceWithPortable(t *testing.T) {
	needP11Kit(t)
	dir := t.TempDir()
	c := newChain(t, "Conf", "conf.test")
	c.root.writePEM(t, filepath.Join(dir, "anchors"), "conf.pem")
	stranger := newChain(t, "Stranger", "stranger.test")
	opts := isolated()
	opts.DisableP11Kit = false
	opts.P11KitPaths = []string{dir}
	linuxStore, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	portable := trust.FromCertificates("portable", c.root.cert)
	expired := issueLeaf(t, c.inter, "conf.test", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))

	rows := []struct {
		name  string
		chain []*x509.Certificate
		opts  trust.VerifyOptions
		ok    bool
		want  trust.Reason
	}{
		{"valid", c.presented(), trust.VerifyOptions{ServerName: "conf.test"}, true, 0},
		{"valid, intermediates in any order", []*x509.Certificate{c.leaf.cert, c.inter.cert, c.root.cert}, trust.VerifyOptions{ServerName: "conf.test"}, true, 0},
		{"hostname mismatch", c.presented(), trust.VerifyOptions{ServerName: "other.test"}, false, trust.ReasonHostnameMismatch},
		{"expired leaf", []*x509.Certificate{expired, c.inter.cert}, trust.VerifyOptions{ServerName: "conf.test"}, false, trust.ReasonExpired},
		{"missing intermediate", []*x509.Certificate{c.leaf.cert}, trust.VerifyOptions{ServerName: "conf.test"}, false, trust.ReasonMissingIntermediate},
		{"unknown root", stranger.presented(), trust.VerifyOptions{ServerName: "stranger.test"}, false, trust.ReasonUnknownAuthority},
		{"wrong usage", c.presented(), trust.VerifyOptions{ServerName: "conf.test", Usage: trust.UsageClientAuth}, false, trust.ReasonWrongUsage},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			r.opts.Time = verifyTime
			for _, s := range []trust.TrustStore{linuxStore, portable} {
				_, err := s.Verify(context.Background(), r.chain, r.opts)
				if r.ok {
					if err != nil {
						t.Fatalf("%s: %v", s, err)
					}
					continue
				}
				var ve *trust.VerificationError
				if !errors.As(err, &ve) || ve.Reason != r.want {
					t.Fatalf("%s: got %v, want reason %v", s, err, r.want)
				}
			}
		})
	}
}
