package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/nativetls/nativetls/internal/testfs"
	"github.com/nativetls/nativetls/internal/testpki"
)

// Stapled OCSP responses made by `openssl ocsp`, the responder most
// deployments test with: signed by the issuer with its certificate embedded
// (the default), without certificates, by a delegated responder, and by
// signers that must be refused. openssl stamps thisUpdate with the real
// clock, so the certificates are issued around that instant and the
// verification runs at the response's thisUpdate: the test does not depend
// on the date it runs.

type opensslOCSP struct {
	dir                 string
	root, inter, leaf   *testpki.Cert
	other, noEKU, deleg *testpki.Cert
}

func newOpenSSLOCSP(t *testing.T) *opensslOCSP {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skipf("openssl not found: apt-get install openssl")
	}
	o := testpki.Options{NotBefore: time.Now().Add(-time.Hour)}
	root := testpki.Root("OCSP Test Root", o)
	inter := root.Intermediate("OCSP Test CA", o)
	lo := o
	lo.DNSNames = []string{"ocsp.example.test"}
	x := &opensslOCSP{dir: testfs.TempDir(t), root: root, inter: inter, leaf: inter.Leaf(lo)}
	x.other = testpki.Root("Other Root", o).Intermediate("OCSP Test CA", o) // the issuer's name, another key
	ro := o
	ro.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	x.deleg = inter.Leaf(ro)
	ro.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	x.noEKU = inter.Leaf(ro)
	for name, c := range map[string]*testpki.Cert{"inter": inter, "leaf": x.leaf, "other": x.other, "deleg": x.deleg, "noeku": x.noEKU} {
		x.write(t, name+".pem", c.PEM())
		x.write(t, name+".key", c.KeyPEM())
	}
	serial := fmt.Sprintf("%X", x.leaf.Cert.SerialNumber)
	if len(serial)%2 == 1 {
		serial = "0" + serial
	}
	x.write(t, "index.txt", []byte("V\t"+x.leaf.Cert.NotAfter.UTC().Format("060102150405Z")+"\t\t"+serial+"\tunknown\t/CN=ocsp.example.test\n"))
	x.openssl(t, "ocsp", "-issuer", "inter.pem", "-cert", "leaf.pem", "-no_nonce", "-reqout", "req.der")
	return x
}

func (x *opensslOCSP) write(t *testing.T, name string, data []byte) {
	if err := os.WriteFile(filepath.Join(x.dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (x *opensslOCSP) openssl(t *testing.T, args ...string) {
	cmd := exec.Command("openssl", args...)
	cmd.Dir = x.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// respond signs a response with signer ("inter", "deleg", …) and extra
// openssl ocsp flags.
func (x *opensslOCSP) respond(t *testing.T, signer string, flags ...string) []byte {
	out := signer + strings.Join(flags, "") + ".der"
	x.openssl(t, append([]string{"ocsp", "-index", "index.txt", "-CA", "inter.pem", "-rsigner", signer + ".pem",
		"-rkey", signer + ".key", "-reqin", "req.der", "-respout", out, "-ndays", "3"}, flags...)...)
	der, err := os.ReadFile(filepath.Join(x.dir, out))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestOCSPStapleFromOpenSSL(t *testing.T) {
	x := newOpenSSLOCSP(t)
	cases := []struct {
		name, signer string
		flags        []string
		embedded     bool
		want         string // "" accepted
	}{
		{"issuer, own certificate embedded (default)", "inter", nil, true, ""},
		{"issuer, no certificates", "inter", []string{"-resp_no_certs"}, false, ""},
		{"delegated responder", "deleg", nil, true, ""},
		{"responder without id-kp-OCSPSigning", "noeku", nil, true, "did not authorise for OCSP"},
		{"another CA's key under the issuer's name", "other", nil, true, "did not authorise for OCSP"},
		{"another CA's key, no certificates", "other", []string{"-resp_no_certs"}, false, "bad OCSP signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			der := x.respond(t, tc.signer, tc.flags...)
			parsed, err := ocsp.ParseResponse(der, nil)
			if err != nil {
				t.Fatalf("openssl made an unparseable response: %v", err)
			}
			if (parsed.Certificate != nil) != tc.embedded {
				t.Fatalf("embedded certificate: %v, want %v: the fixture is not what the case says", parsed.Certificate != nil, tc.embedded)
			}
			opts := VerifyOptions{ServerName: "ocsp.example.test", Time: parsed.ThisUpdate.Add(time.Minute), DisableFetch: true,
				OCSPResponse: der, Revocation: RevocationHardFail}
			_, err = (&Verifier{}).Verify(context.Background(), FromCertificates("openssl root", x.root.Cert),
				testpki.Chain(x.leaf, x.inter), opts)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			var ve *VerificationError
			if !errors.As(err, &ve) || ve.Reason != ReasonRevocationUnknown || !strings.Contains(ve.Error(), tc.want) {
				t.Fatalf("want revocation unknown with %q, got %v", tc.want, err)
			}
		})
	}
}
