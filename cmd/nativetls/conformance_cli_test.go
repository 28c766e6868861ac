package main

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/conformance"
	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// cliConformanceBackend names the store `verify --roots FILE` uses (an
// anchor store read from the file, on every platform) in a row's
// Deviations.
const cliConformanceBackend = "portable"

// TestConformanceThroughCLI runs every row of internal/conformance through
// `nativetls verify --json`: the chain written to files, the trusted roots
// (and, for distrust rows, the distrusted certificates as OpenSSL TRUSTED
// CERTIFICATEs rejecting every purpose) in the --roots file, the row's
// options as --host, --usage, --time, --strict, --max-depth and --crl. The
// exit code and the reason must be the row's, on Linux and (the same test,
// ci/wine/run-tests.sh) under Wine.
func TestConformanceThroughCLI(t *testing.T) {
	f := conformance.NewFixture()
	for _, row := range conformance.Rows() {
		t.Run(row.Name, func(t *testing.T) {
			want := row.Want
			if d, ok := row.Deviations[cliConformanceBackend]; ok {
				if d.Skip {
					t.Skipf("%s: %s", cliConformanceBackend, d.Why)
				}
				want = d.Want
			}
			args := conformanceArgs(t, f, row)
			r := runCLI(t, baseEnv(), append([]string{"verify", "--json"}, args...)...)
			checkConformanceResult(t, want, r)
		})
	}
}

// checkConformanceResult compares verify's exit code and JSON with want.
func checkConformanceResult(t *testing.T, want conformance.Want, r result) {
	t.Helper()
	var out struct {
		Valid  bool   `json:"valid"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("verify --json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	switch {
	case want.Accept && (r.code != 0 || !out.Valid):
		t.Fatalf("want accepted (exit 0), got exit %d, reason %q\n%s", r.code, out.Reason, r.stdout)
	case !want.Accept && (r.code != 1 || out.Valid || out.Reason != want.Reason.String()):
		t.Fatalf("want rejected (exit 1) with %q, got exit %d, valid %v, reason %q\n%s%s", want.Reason, r.code, out.Valid, out.Reason, r.stdout, r.stderr)
	}
}

// conformanceArgs writes the row's chain, roots and CRLs to files and
// returns verify's arguments; a row option the CLI cannot express fails
// the test rather than being dropped.
func conformanceArgs(t *testing.T, f *conformance.Fixture, row conformance.Row) []string {
	t.Helper()
	dir := tempDir(t)
	write := func(name string, data []byte) string { return writeFile(t, dir, name, data) }
	chain := row.Chain(f)
	args := []string{"--leaf", write("leaf.pem", pemCerts(chain[:1]))}
	if len(chain) > 1 {
		args = append(args, "--intermediates", write("intermediates.pem", pemCerts(chain[1:])))
	}
	roots := pemCerts([]*x509.Certificate{f.Root.Cert, f.Bystander.Cert})
	if row.Distrusted != nil {
		for _, c := range row.Distrusted(f) {
			roots = append(roots, distrustedPEM(t, c)...)
		}
	}
	args = append(args, "--roots", write("roots.pem", roots))
	base := trust.VerifyOptions{ServerName: conformance.Host, Time: testpki.Clock, DisableFetch: true}
	o := base
	if row.Options != nil {
		row.Options(f, &o)
	}
	flags, rest := optionFlags(t, o, write)
	if rest.ServerName, rest.Time, rest.DisableFetch = base.ServerName, base.Time, base.DisableFetch; !reflect.DeepEqual(rest, base) {
		t.Fatalf("row %q sets verification options the CLI test does not map: %+v", row.Name, rest)
	}
	return append(args, flags...)
}

// optionFlags turns o into verify flags; rest is o with the mapped fields
// cleared.
func optionFlags(t *testing.T, o trust.VerifyOptions, write func(string, []byte) string) (flags []string, rest trust.VerifyOptions) {
	t.Helper()
	flags = []string{"--time", o.Time.UTC().Format(time.RFC3339), "--no-fetch"}
	if o.ServerName != "" {
		flags = append(flags, "--host", o.ServerName)
	}
	switch o.Usage {
	case trust.UsageServerAuth:
	case trust.UsageClientAuth:
		flags = append(flags, "--usage", "clientAuth")
	case trust.UsageAny:
		flags = append(flags, "--usage", "any")
	default:
		t.Fatalf("usage %v has no --usage spelling", o.Usage)
	}
	if o.Strict {
		flags = append(flags, "--strict")
	}
	switch {
	case o.MaxDepth == trust.MaxDepthNoIntermediates:
		flags = append(flags, "--max-depth", "0")
	case o.MaxDepth > 0:
		flags = append(flags, "--max-depth", strconv.Itoa(o.MaxDepth))
	}
	for i, crl := range o.CRLs {
		flags = append(flags, "--crl", write("crl"+strconv.Itoa(i)+".der", crl.Raw))
	}
	rest = o
	rest.Usage, rest.Strict, rest.MaxDepth, rest.CRLs = trust.UsageServerAuth, false, 0, nil
	rest.ServerName = ""
	return flags, rest
}

func pemCerts(certs []*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// distrustedPEM is c as an OpenSSL TRUSTED CERTIFICATE whose trust
// attributes reject anyExtendedKeyUsage: distrusted for every purpose (what
// `openssl x509 -addreject anyExtendedKeyUsage -trustout` writes).
func distrustedPEM(t *testing.T, c *x509.Certificate) []byte {
	t.Helper()
	aux, err := asn1.Marshal(struct {
		Reject []asn1.ObjectIdentifier `asn1:"tag:0"`
	}{[]asn1.ObjectIdentifier{{2, 5, 29, 37, 0}}})
	noErr(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte(nil), c.Raw...), aux...)})
}
