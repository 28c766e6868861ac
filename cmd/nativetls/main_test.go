package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testfs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// binary is the nativetls binary built once by TestMain.
var binary string

// TestMain builds the binary once, unless NATIVETLS_TEST_BINARY names a
// prebuilt one (ci/wine/run-tests.sh: there is no Go toolchain under Wine).
func TestMain(m *testing.M) {
	flag.Parse()
	if prebuilt := os.Getenv("NATIVETLS_TEST_BINARY"); prebuilt != "" {
		binary = prebuilt
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "nativetls-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "nativetls")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testdata is the absolute path of testdata/pki, replaced by TESTDATA in
// goldens.
func pkiDir(t *testing.T) string {
	d, err := filepath.Abs(filepath.Join("testdata", "pki"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fixedNow is the clock of every golden test (NATIVETLS_NOW).
const fixedNow = "2026-06-01T12:00:00Z"

// baseEnv is a clean environment: the process-wide policy and SSL_CERT_*
// are set per test, never inherited.
func baseEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "NATIVETLS_"), k == "SSL_CERT_FILE", k == "SSL_CERT_DIR":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "NATIVETLS_NOW="+fixedNow, "NATIVETLS_VERIFY_CONF="+filepath.Join(os.TempDir(), "nativetls-no-such-verify.conf"))
	return append(env, extra...)
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// cliTimeout bounds one run of the binary. No command the tests run takes
// more than a few seconds; a run that hangs or cannot start (both seen under
// Wine 8: a process that never started running, fork/exec "Internal
// error") is run once more, so one stuck process cannot stall the suite.
const cliTimeout = 2 * time.Minute

func runCLI(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r, err := runCLIOnce(env, args)
	if err != nil {
		t.Logf("nativetls %s: %v; running it again", strings.Join(args, " "), err)
		if r, err = runCLIOnce(env, args); err != nil {
			t.Fatalf("nativetls %s: %v, twice", strings.Join(args, " "), err)
		}
	}
	return r
}

// runCLIOnce runs the binary once; err is set when it did not run to an
// exit of its own (it could not start, which Wine 8 reports now and then as
// "Internal error", or it was killed after cliTimeout).
// runCLIWithTimeout runs the CLI for at most 3 seconds.
func runCLIWithTimeout(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return runCommand(t, exec.CommandContext(ctx, binary, args...), env)
}

func runCLIOnce(env []string, args []string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		return result{}, fmt.Errorf("no exit within %v (killed)", cliTimeout)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		return result{}, fmt.Errorf("could not run: %w", err)
	}
	return result{out.String(), errb.String(), code}, nil
}

// runCommand runs cmd with env and returns its output and exit code; it
// fails the test when cmd cannot run at all.
func runCommand(t *testing.T, cmd *exec.Cmd, env []string) result {
	t.Helper()
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// normalize replaces what varies between machines and runs.
// On Windows it also turns the escaped (%q, JSON) spellings of the
// directory and the separator after TESTDATA into the goldens' forms, and
// the OS text of ERROR_FILE_NOT_FOUND into Unix's ENOENT text.
func normalize(t *testing.T, s string, extra map[string]string) string {
	if runtime.GOOS == "windows" {
		s = strings.ReplaceAll(s, strings.ReplaceAll(pkiDir(t), `\`, `\\`), "TESTDATA")
		s = strings.ReplaceAll(s, pkiDir(t), "TESTDATA")
		s = strings.ReplaceAll(s, `TESTDATA\\`, "TESTDATA/")
		s = strings.ReplaceAll(s, `TESTDATA\`, "TESTDATA/")
		if _, err := os.Stat(filepath.Join(pkiDir(t), "no-such.pem")); err != nil {
			s = strings.ReplaceAll(s, errors.Unwrap(err).Error(), "no such file or directory")
		}
	}
	s = strings.ReplaceAll(s, pkiDir(t), "TESTDATA")
	s = strings.ReplaceAll(s, runtime.Version(), "GOVERSION")
	s = strings.ReplaceAll(s, runtime.GOOS+"/"+runtime.GOARCH, "GOOS/GOARCH")
	s = changedRE.ReplaceAllString(s, "changed TIME")
	s = generationRE.ReplaceAllString(s, "generation N")
	for k, v := range extra {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

var (
	changedRE    = regexp.MustCompile(`changed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`)
	generationRE = regexp.MustCompile(`generation \d+`)
)

// golden compares r with testdata/golden/name.golden.
func golden(t *testing.T, name string, r result, extra map[string]string) {
	t.Helper()
	got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", r.code,
		normalize(t, r.stdout, extra), normalize(t, r.stderr, extra))
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/nativetls -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./cmd/nativetls -run %s -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, t.Name(), got, want)
	}
}

// goldenCase is a CLI run whose exit code is code and whose output is the
// golden file testdata/golden/NAME.
type goldenCase struct {
	name string
	args []string
	code int
}

// runGoldenCases runs each case as a subtest.
func runGoldenCases(t *testing.T, tests []goldenCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, baseEnv(), tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			golden(t, tt.name, r, nil)
		})
	}
}

func TestVerifyGolden(t *testing.T) {
	d := pkiDir(t)
	p := func(n string) string { return filepath.Join(d, n) }
	tests := []goldenCase{
		{"verify-valid", []string{"verify", "--leaf", p("leaf.pem"), "--intermediates", p("intermediate.pem"), "--roots", p("root.pem"), "--host", "www.example.test"}, 0},
		{"verify-valid-chainfile-ip", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("root.pem"), "--host", "127.0.0.1", "--time", "2030-01-01T00:00:00Z"}, 0},
		{"verify-valid-json", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("root.pem"), "--host", "example.test", "--json"}, 0},
		{"verify-expired", []string{"verify", "--leaf", p("expired.pem"), "--intermediates", p("intermediate.pem"), "--roots", p("root.pem"), "--host", "old.example.test"}, 1},
		{"verify-not-yet-valid", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("root.pem"), "--time", "2024-06-01T00:00:00Z"}, 1},
		{"verify-hostname", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("root.pem"), "--host", "www.other.test"}, 1},
		{"verify-hostname-json", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("root.pem"), "--host", "www.other.test", "--json"}, 1},
		{"verify-missing-intermediate", []string{"verify", "--leaf", p("leaf.pem"), "--roots", p("root.pem"), "--host", "www.example.test"}, 1},
		{"verify-unknown-authority", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("other-root.pem"), "--host", "www.example.test"}, 1},
		{"verify-wrong-usage", []string{"verify", "--leaf", p("client.pem"), "--intermediates", p("intermediate.pem"), "--roots", p("root.pem"), "--usage", "serverAuth"}, 1},
		{"verify-client-usage", []string{"verify", "--leaf", p("client.pem"), "--intermediates", p("intermediate.pem"), "--roots", p("root.pem"), "--usage", "clientAuth"}, 0},
		{"verify-pin-mismatch", []string{"verify", "--leaf", p("leaf-chain.pem"), "--roots", p("root.pem"), "--pin", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, 1},
		{"verify-usage-no-trust", []string{"verify", "--leaf", p("leaf.pem")}, 2},
		{"verify-usage-bad-time", []string{"verify", "--leaf", p("leaf.pem"), "--roots", p("root.pem"), "--time", "yesterday"}, 2},
		{"verify-usage-bad-usage", []string{"verify", "--leaf", p("leaf.pem"), "--roots", p("root.pem"), "--usage", "email"}, 2},
		{"verify-unreadable", []string{"verify", "--leaf", p("no-such.pem"), "--roots", p("root.pem")}, 2},
		{"verify-not-a-cert", []string{"verify", "--leaf", p("leaf-key.pem"), "--roots", p("root.pem")}, 2},
	}
	runGoldenCases(t, tests)
}

func TestPinRootsHelpGolden(t *testing.T) {
	d := pkiDir(t)
	tests := []goldenCase{
		{"pin", []string{"pin", filepath.Join(d, "leaf-chain.pem")}, 0},
		{"pin-json", []string{"pin", filepath.Join(d, "root.pem"), "--json"}, 0},
		{"pin-usage", []string{"pin"}, 2},
		{"roots-file", []string{"roots", "--roots", d}, 0},
		{"roots-filter-json", []string{"roots", "--roots", d, "--subject", "other", "--json"}, 0},
		{"roots-expiring", []string{"roots", "--roots", filepath.Join(d, "root.pem"), "--expiring-within", "87600h"}, 0},
		{"help-verify", []string{"help", "verify"}, 0},
		{"help", []string{"help"}, 0},
		{"unknown-command", []string{"frobnicate"}, 2},
		{"get-usage", []string{"get", "http://example.test/"}, 2},
		{"serve-usage", []string{"serve"}, 2},
	}
	runGoldenCases(t, tests)
}

func TestVersion(t *testing.T) {
	r := runCLI(t, baseEnv(), "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "nativetls ") || !strings.Contains(r.stdout, runtime.Version()) {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
	r = runCLI(t, baseEnv(), "version", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"backend"`) {
		t.Errorf("version --json: exit %d, %q", r.code, r.stdout)
	}
}

// launchServe starts `nativetls serve --listen 127.0.0.1:0 args...` with
// env and returns the process, its standard output and what it writes to
// standard error.
func launchServe(t *testing.T, env []string, args ...string) (*exec.Cmd, io.Reader, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errb := new(bytes.Buffer)
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out, errb
}

// startServe runs `nativetls serve` and returns its address once it printed
// "listening on ADDR", and a stop function that sends SIGINT and returns the
// exit code.
func startServe(t *testing.T, env []string, args ...string) (addr string, stop func() int) {
	t.Helper()
	cmd, out, errb := launchServe(t, env, args...)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Wait()
		t.Fatalf("serve printed no address: %v; stderr: %s", err, errb.String())
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("serve printed %q, want \"listening on ADDR\"", line)
	}
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		if runtime.GOOS == "windows" {
			cmd.Process.Kill()
		} else {
			cmd.Process.Signal(syscall.SIGINT)
		}
		go io.Copy(io.Discard, out)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Error("serve did not stop on SIGINT")
		}
		return cmd.ProcessState.ExitCode()
	}
	t.Cleanup(func() { stop() })
	return addr, stop
}

// serveAndRead starts serve, reads what it prints before serving (the
// address line and the chain), and stops it when the test ends.
func serveAndRead(t *testing.T, env []string, args ...string) (addr, printed string) {
	t.Helper()
	cmd, out, errb := launchServe(t, env, args...)
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGINT); _ = cmd.Wait() })
	br := bufio.NewReader(out)
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("serve stopped: %v\n%s%s", err, b.String(), errb.String())
		}
		b.WriteString(line)
		if a, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on "); ok {
			addr = a
		}
		if strings.HasPrefix(line, "      serial ") && strings.Count(b.String(), "      serial ") == 2 {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, br) }()
	return addr, b.String()
}

func TestServeAndGet(t *testing.T) {
	d := pkiDir(t)
	env := baseEnv()
	addr, stop := startServe(t, env, "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"))
	repl := map[string]string{addr: "ADDR"}
	url := "https://" + addr + "/"

	r := runCLI(t, env, "get", url, "--roots", filepath.Join(d, "root.pem"), "--host", "www.example.test")
	if r.code != 0 {
		t.Errorf("get: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "get-ok", r, repl)

	r = runCLI(t, env, "get", url, "--roots", filepath.Join(d, "root.pem"))
	if r.code != 0 {
		t.Errorf("get by IP: exit %d: %s", r.code, r.stderr)
	}

	r = runCLI(t, env, "get", url, "--roots", filepath.Join(d, "root.pem"), "--host", "wrong.example.test")
	if r.code != 1 {
		t.Errorf("get wrong host: exit %d, want 1", r.code)
	}
	golden(t, "get-hostname", r, repl)

	r = runCLI(t, env, "get", url, "--roots", filepath.Join(d, "other-root.pem"), "--host", "www.example.test")
	if r.code != 1 {
		t.Errorf("get untrusted: exit %d, want 1", r.code)
	}
	golden(t, "get-untrusted", r, repl)

	r = runCLI(t, env, "get", url, "--roots", filepath.Join(d, "other-root.pem"), "--host", "www.example.test", "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"reason"`) {
		t.Errorf("get untrusted --json: exit %d, %s", r.code, r.stdout)
	}

	// PEP 493: NATIVETLS_VERIFY=0 lets the default configuration (no
	// --roots) through, with one warning...
	r = runCLI(t, append(baseEnv(), "NATIVETLS_VERIFY=0"), "get", url, "--host", "www.example.test")
	if r.code != 0 {
		t.Errorf("get under NATIVETLS_VERIFY=0: exit %d, %s", r.code, r.stderr)
	}
	golden(t, "get-policy-disabled", r, repl)
	// ...but never a configuration that names its trust store (issue 13
	// item 6): --roots asked for verification explicitly.
	r = runCLI(t, append(baseEnv(), "NATIVETLS_VERIFY=0"), "get", url, "--roots", filepath.Join(d, "other-root.pem"), "--host", "www.example.test")
	if r.code != 1 || !strings.Contains(r.stderr+r.stdout, "unknown") {
		t.Errorf("get --roots other-root.pem under NATIVETLS_VERIFY=0: exit %d, want 1 (untrusted)\n%s%s", r.code, r.stdout, r.stderr)
	}

	// NATIVETLS_IGNORE_ENVIRONMENT wins: verification stays on.
	r = runCLI(t, append(baseEnv(), "NATIVETLS_VERIFY=0", "NATIVETLS_IGNORE_ENVIRONMENT=1"), "get", url, "--roots", filepath.Join(d, "other-root.pem"), "--host", "www.example.test")
	if r.code != 1 {
		t.Errorf("get under NATIVETLS_IGNORE_ENVIRONMENT: exit %d, want 1", r.code)
	}

	// verify and pin read the chain from the live server.
	r = runCLI(t, env, "verify", "--connect", addr, "--roots", filepath.Join(d, "root.pem"), "--host", "www.example.test")
	if r.code != 0 {
		t.Errorf("verify --connect: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "verify-connect", r, repl)
	r = runCLI(t, env, "verify", "--connect", addr, "--roots", filepath.Join(d, "root.pem"))
	if r.code != 0 {
		t.Errorf("verify --connect by IP: exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, env, "verify", "--connect", addr, "--roots", filepath.Join(d, "other-root.pem"), "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"reason": "unknown_authority"`) {
		t.Errorf("verify --connect untrusted: exit %d: %s", r.code, r.stdout)
	}
	r = runCLI(t, env, "pin", "--connect", addr)
	if r.code != 0 {
		t.Errorf("pin --connect: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "pin-connect", r, repl)

	// On Windows stop kills the process (there is no SIGINT to send), so
	// its exit code says nothing about the graceful shutdown.
	if code := stop(); code != 0 && runtime.GOOS != "windows" {
		t.Errorf("serve exit %d after SIGINT, want 0", code)
	}
}

func TestServeClientCA(t *testing.T) {
	d := pkiDir(t)
	env := baseEnv()
	addr, _ := startServe(t, env, "--cert", filepath.Join(d, "leaf-chain.pem"), "--key", filepath.Join(d, "leaf-key.pem"), "--client-ca", filepath.Join(d, "root.pem"))
	r := runCLI(t, env, "get", "https://"+addr+"/", "--roots", filepath.Join(d, "root.pem"), "--host", "www.example.test")
	if r.code != 1 {
		t.Errorf("get without a client certificate: exit %d, want 1; %s", r.code, r.stdout)
	}
}

func TestServeBadInput(t *testing.T) {
	d := pkiDir(t)
	r := runCLI(t, baseEnv(), "serve", "--listen", "127.0.0.1:0", "--cert", filepath.Join(d, "leaf.pem"), "--key", filepath.Join(d, "client-key.pem"))
	if r.code != 2 || !strings.Contains(r.stderr, "does not match") {
		t.Errorf("mismatched key: exit %d, %s", r.code, r.stderr)
	}
	golden(t, "serve-mismatch", r, nil)
	r = runCLI(t, baseEnv(), "serve", "--key", "capi:store=My;cn=web")
	if runtime.GOOS != "windows" && (r.code != 2 || !strings.Contains(r.stderr, "capi")) {
		t.Errorf("capi on %s: exit %d, %s", runtime.GOOS, r.code, r.stderr)
	}
}

func TestDoctor(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the golden output lists Linux trust sources")
	}
	d := pkiDir(t)
	empty := tempDir(t)
	// No session bus: the keychain: source must say so (DBUS_SESSION_BUS_ADDRESS unset).
	env := baseEnv("SSL_CERT_FILE="+filepath.Join(d, "root.pem"), "SSL_CERT_DIR="+empty, "DBUS_SESSION_BUS_ADDRESS=")
	r := runCLI(t, env, "doctor")
	if r.code != 0 {
		t.Errorf("doctor: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	repl := map[string]string{empty: "EMPTYDIR", "cgo on": "cgo CGO", "cgo off": "cgo CGO"}
	golden(t, "doctor", r, repl)

	r = runCLI(t, append(env, "NATIVETLS_VERIFY=0"), "doctor", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"setting": "disable"`) {
		t.Errorf("doctor --json under NATIVETLS_VERIFY=0: exit %d\n%s", r.code, r.stdout)
	}

	r = runCLI(t, append(env, "SSL_CERT_FILE="+filepath.Join(empty, "missing.pem")), "doctor")
	if !strings.Contains(r.stdout, "missing.pem") {
		t.Errorf("doctor with a missing SSL_CERT_FILE does not name it:\n%s", r.stdout)
	}
}

func TestInstallDryRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("linux installer")
	}
	root := tempDir(t)
	for _, p := range []string{"etc/ssl/certs", "usr/local/share/ca-certificates", "usr/share/ca-certificates"} {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	d := pkiDir(t)
	r := runCLI(t, baseEnv(), "install", filepath.Join(d, "root.pem"), "--dry-run", "--root", root)
	if r.code != 0 {
		t.Errorf("install --dry-run: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "install-dry-run", r, map[string]string{root: "ROOT"})
	r = runCLI(t, baseEnv(), "install", filepath.Join(d, "leaf.pem"), "--dry-run", "--root", root)
	if r.code != 2 {
		t.Errorf("install of a leaf: exit %d, want 2", r.code)
	}
	golden(t, "install-leaf", r, nil)
}

// tempDir is testfs.TempDir: t.TempDir that tolerates Wine's failing
// removal.
func tempDir(t testing.TB) string { return testfs.TempDir(t) }

// noErr fails the test at once on err.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// writeFile writes data to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	noErr(t, os.WriteFile(path, data, 0o600))
	return path
}
