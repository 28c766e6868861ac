// Package softhsmtest makes throwaway SoftHSM2 tokens for tests: a
// softhsm2.conf in a temporary directory, tokens initialized with
// softhsm2-util, keys and certificates written with softhsm2-util and
// pkcs11-tool. It never touches the host's own tokens: every command runs
// with SOFTHSM2_CONF pointing at the test's configuration.
package softhsmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// PIN and SOPIN are the user and security officer PINs of every token
// InitToken makes.
const (
	PIN   = "1234"
	SOPIN = "5678"
)

// modulePaths are where Debian, Ubuntu and /usr/local installs put the
// SoftHSM2 PKCS#11 module.
var modulePaths = []string{
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/local/lib/softhsm/libsofthsm2.so",
}

// Module returns the path of SoftHSM2's PKCS#11 module, or skips the test
// naming the packages that provide it and its tools.
func Module(t testing.TB) string {
	t.Helper()
	for _, tool := range []string{"softhsm2-util", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: apt-get install softhsm2 opensc (ci/test.sh does)", tool)
		}
	}
	for _, p := range modulePaths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("SoftHSM2 module missing: apt-get install softhsm2 opensc")
	return ""
}

// HSM is a SoftHSM2 configuration whose tokens live in Dir.
type HSM struct {
	Module string   // the PKCS#11 module path
	Dir    string   // the token directory (and where the configuration is)
	Conf   string   // the softhsm2.conf path
	Env    []string // the environment of its commands: base plus SOFTHSM2_CONF
}

// New writes a SoftHSM2 configuration keeping its tokens in dir (which
// must exist) and returns it; base is the environment its commands run
// with (nil: os.Environ()). It skips the test when SoftHSM2 or
// pkcs11-tool is missing. Until InitToken, the HSM has only its free slot.
func New(t testing.TB, dir string, base []string) *HSM {
	t.Helper()
	h := &HSM{Module: Module(t), Dir: dir, Conf: filepath.Join(dir, "softhsm2.conf")}
	conf := "directories.tokendir = " + dir + "\nobjectstore.backend = file\nlog.level = ERROR\n"
	if err := os.WriteFile(h.Conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if base == nil {
		base = os.Environ()
	}
	h.Env = append(append([]string(nil), base...), "SOFTHSM2_CONF="+h.Conf)
	return h
}

// Run runs a command with the HSM's environment and fails the test,
// printing its output, when it fails.
func (h *HSM) Run(t testing.TB, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = h.Env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// InitToken initializes a token labelled label in the free slot, with
// user PIN PIN and SO PIN SOPIN.
func (h *HSM) InitToken(t testing.TB, label string) {
	t.Helper()
	h.Run(t, "softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SOPIN)
}

// ImportKey stores a PEM (PKCS#8) private key on token under label and id
// (hex).
func (h *HSM) ImportKey(t testing.TB, token, label, id string, keyPEM []byte) {
	t.Helper()
	h.Run(t, "softhsm2-util", "--import", h.file(t, label+"-"+id+".key.pem", keyPEM),
		"--token", token, "--label", label, "--id", id, "--pin", PIN)
}

// WriteCert stores a certificate (DER) on token under label and id (hex).
func (h *HSM) WriteCert(t testing.TB, token, label, id string, der []byte) {
	t.Helper()
	h.Tool(t, token, "--write-object", h.file(t, label+"-"+id+".der", der), "--type", "cert", "--id", id, "--label", label)
}

// Tool runs pkcs11-tool logged in to token with PIN; WriteFile gives it
// the files it reads.
func (h *HSM) Tool(t testing.TB, token string, args ...string) {
	t.Helper()
	h.Run(t, "pkcs11-tool", append([]string{"--module", h.Module, "--token-label", token, "--login", "--pin", PIN}, args...)...)
}

// WriteFile writes data to name in the HSM's directory and returns its
// path, for commands that read objects from files.
func (h *HSM) WriteFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	return h.file(t, name, data)
}

func (h *HSM) file(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(h.Dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
