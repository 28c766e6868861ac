package linux

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// noEnv hides the host's SSL_CERT_FILE / SSL_CERT_DIR from Load.
func noEnv(string) string { return "" }

// isolated returns Options that read nothing from the host: no environment,
// no bundle files or directories, no p11-kit, no NSS.
func isolated() Options {
	return Options{Getenv: noEnv, CertFiles: []string{}, CertDirs: []string{}, DisableP11Kit: true}
}

func needTool(t *testing.T, tool, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s not installed: apt-get install -y %s", tool, pkg)
	}
}

func needP11Kit(t *testing.T) string {
	t.Helper()
	p := findP11KitModule(&Options{})
	if p == "" {
		t.Skip("p11-kit-trust.so not found: apt-get install -y p11-kit-modules")
	}
	return p
}

func needSoftokn(t *testing.T) string {
	t.Helper()
	needTool(t, "certutil", "libnss3-tools")
	p := findNSSModule(&Options{})
	if p == "" {
		t.Skip("libsoftokn3.so not found: apt-get install -y libnss3")
	}
	return p
}

func sh(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// verifyServer verifies c's presented chain for host at verifyTime.
func verifyServer(s trust.TrustStore, c chain, host string) error {
	_, err := s.Verify(context.Background(), c.presented(), trust.VerifyOptions{ServerName: host, Time: verifyTime})
	return err
}

// wantVerified fails the test for each host whose chain s does not verify.
func wantVerified(t *testing.T, s trust.TrustStore, chains map[string]chain) {
	t.Helper()
	for host, c := range chains {
		if err := verifyServer(s, c, host); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
}

func wantReason(t *testing.T, err error, r trust.Reason) {
	t.Helper()
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a *trust.VerificationError with reason %v, got %v", r, err)
	}
	if ve.Reason != r {
		t.Fatalf("reason = %v, want %v (%v)", ve.Reason, r, err)
	}
}

func mustExist(t *testing.T, p string) {
	t.Helper()
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
}

// p11KitStore loads an isolated store that reads only the p11-kit trust
// module, with paths as its trust paths (fullRead: the module's own parse,
// never the fast path).
func p11KitStore(t testing.TB, paths []string, fullRead bool) *Store {
	t.Helper()
	opts := isolated()
	opts.DisableP11Kit = false
	opts.P11KitPaths = paths
	opts.P11KitFullRead = fullRead
	s, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
