package main

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// softhsmModule finds SoftHSM2's PKCS#11 module.
func softhsmModule(t *testing.T) string {
	for _, p := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("SoftHSM2 not installed: apt-get install softhsm2 opensc")
	return ""
}

// newToken creates a SoftHSM token "web" (user PIN 1234) in a temporary
// directory holding the test leaf's key and the leaf and intermediate
// certificates, and returns the environment that selects it.
func newToken(t *testing.T) (env []string, module string) {
	module = softhsmModule(t)
	for _, tool := range []string{"softhsm2-util", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: apt-get install softhsm2 opensc", tool)
		}
	}
	dir := tempDir(t)
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+dir+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env = baseEnv("SOFTHSM2_CONF=" + conf)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	d := pkiDir(t)
	run("softhsm2-util", "--init-token", "--free", "--label", "web", "--pin", "1234", "--so-pin", "5678")
	run("softhsm2-util", "--import", filepath.Join(d, "leaf-key.pem"), "--token", "web", "--label", "server", "--id", "01", "--pin", "1234")
	for _, c := range []struct{ file, id, label string }{{"leaf.pem", "01", "server"}, {"intermediate.pem", "02", "intermediate"}} {
		data, err := os.ReadFile(filepath.Join(d, c.file))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pem.Decode(data)
		der := filepath.Join(dir, c.label+".der")
		if err := os.WriteFile(der, b.Bytes, 0o600); err != nil {
			t.Fatal(err)
		}
		run("pkcs11-tool", "--module", module, "--token-label", "web", "--login", "--pin", "1234",
			"--write-object", der, "--type", "cert", "--id", c.id, "--label", c.label)
	}
	return env, module
}

// TestServePKCS11 serves with an HSM key and its chain named by one
// pkcs11: URI, the PIN coming from the environment.
func TestServePKCS11(t *testing.T) {
	env, module := newToken(t)
	env = append(env, "TOKEN_PIN=1234")
	uri := "pkcs11:token=web;object=server;type=private?module-path=" + module
	addr, stop := startServe(t, env, "--key", uri, "--password", "env:TOKEN_PIN")
	r := runCLI(t, env, "get", "https://"+addr+"/", "--roots", filepath.Join(pkiDir(t), "root.pem"), "--host", "www.example.test")
	if r.code != 0 || !strings.Contains(r.stdout, "hello from nativetls serve") {
		t.Errorf("get from the HSM-backed server: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d", code)
	}

	r = runCLI(t, env, "keys", "--module", module)
	if r.code != 0 || !strings.Contains(r.stdout, `token "web"`) {
		t.Errorf("keys: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "keys", "--uri", "pkcs11:token=web?module-path="+module, "--pin", "env:TOKEN_PIN", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"label": "server"`) || !strings.Contains(r.stdout, `"type": "private"`) {
		t.Errorf("keys --uri: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Token certificates as a trust store: the intermediate as the anchor.
	anchors := "pkcs11:token=web;object=intermediate;type=cert?module-path=" + module
	r = runCLI(t, env, "verify", "--leaf", filepath.Join(pkiDir(t), "leaf.pem"), "--roots", anchors, "--host", "www.example.test")
	if r.code != 0 {
		t.Errorf("verify with a pkcs11: trust store: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "roots", "--roots", "pkcs11:token=web;type=cert?module-path="+module, "--json")
	if r.code != 0 || strings.Count(r.stdout, `"subject"`) != 2 {
		t.Errorf("roots of a token: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, env, "serve", "--key", uri, "--password", "pass:0000")
	if r.code != 2 || !strings.Contains(r.stderr, "PIN") {
		t.Errorf("wrong PIN: exit %d, %s", r.code, r.stderr)
	}
}

// TestServePKCS11NoCgoOpenSSL builds nativetls with CGO_ENABLED=0, serves
// TLS with the SoftHSM key named by a pkcs11: URI, and has openssl
// s_client verify the server (chain to the test root, host name).
func TestServePKCS11NoCgoOpenSSL(t *testing.T) {
	if os.Getenv("NATIVETLS_TEST_BINARY") != "" {
		t.Skip("needs the Go toolchain to build a CGO_ENABLED=0 binary")
	}
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed: apt-get install openssl")
	}
	env, module := newToken(t)
	nocgo := filepath.Join(t.TempDir(), "nativetls-nocgo")
	build := exec.Command("go", "build", "-o", nocgo, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	saved := binary
	binary = nocgo
	defer func() { binary = saved }()
	if r := runCLI(t, env, "version"); !strings.Contains(r.stdout, "cgo off") {
		t.Fatalf("the CGO_ENABLED=0 build reports %q", r.stdout)
	}

	env = append(env, "TOKEN_PIN=1234")
	uri := "pkcs11:token=web;object=server;type=private?module-path=" + module
	addr, stop := startServe(t, env, "--key", uri, "--password", "env:TOKEN_PIN")
	defer stop()
	cmd := exec.Command(openssl, "s_client", "-connect", addr, "-servername", "www.example.test",
		"-CAfile", filepath.Join(pkiDir(t), "root.pem"), "-verify_hostname", "www.example.test", "-verify_return_error", "-brief")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Fatalf("openssl s_client against the CGO_ENABLED=0 server: %v\n%s", err, out)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exit %d", code)
	}
}

// testModuleEnv returns the test PKCS#11 module (internal/p11raw/testmodule:
// the DLL of ci/wine/build-p11module.sh under Wine, built here on Linux)
// and the environment that gives it keys and allows it, with the root.
func testModuleEnv(t *testing.T) (mod string, env []string, rootPEM string) {
	mod = os.Getenv("NATIVETLS_P11_TEST_MODULE")
	if mod == "" {
		if runtime.GOOS != "linux" {
			t.Skip("set NATIVETLS_P11_TEST_MODULE to the test module (bash ci/wine/build-p11module.sh OUT.dll)")
		}
		if _, err := os.Stat("/usr/include/p11-kit-1/p11-kit/pkcs11.h"); err != nil {
			t.Skip("pkcs11.h missing: apt-get install -y libp11-kit-dev gcc")
		}
		mod = filepath.Join(tempDir(t), "libp11test.so")
		cmd := exec.Command("go", "build", "-tags", "p11testmodule", "-buildmode=c-shared", "-o", mod, "../../internal/p11raw/testmodule")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building the test module: %v\n%s", err, out)
		}
	}
	dir := tempDir(t)
	o := testpki.Options{NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)}
	root := testpki.Root("p11 test root", o)
	for _, k := range []struct {
		name string
		typ  testpki.KeyType
	}{{"ec", testpki.ECDSAP256}, {"rsa", testpki.RSA2048}} {
		lo := o
		lo.KeyType, lo.DNSNames = k.typ, []string{"www.example.test"}
		leaf := root.Leaf(lo)
		writeFile(t, filepath.Join(dir, k.name+".pem"), leaf.PEM())
		writeFile(t, filepath.Join(dir, k.name+".key"), leaf.KeyPEM())
	}
	rootPEM = filepath.Join(dir, "ca.pem")
	writeFile(t, rootPEM, root.PEM())
	env = baseEnv("NATIVETLS_P11TEST_DIR="+dir, "NATIVETLS_PKCS11_MODULES="+mod, "TOKEN_PIN=1234")
	return mod, env, rootPEM
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTestModuleCLI lists the test module's token and keys, serves TLS
// with its ECDSA key and fetches from the server with the CLI itself
// (under Wine: the Windows CLI and the DLL); an unlisted module is
// refused.
func TestTestModuleCLI(t *testing.T) {
	mod, env, rootPEM := testModuleEnv(t)
	modURI := strings.NewReplacer("%", "%25", `\`, "%5C", " ", "%20").Replace(mod)
	r := runCLI(t, env, "keys", "--module", mod)
	if r.code != 0 || !strings.Contains(r.stdout, `token "wine-test"`) {
		t.Fatalf("keys --module: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "keys", "--uri", "pkcs11:token=wine-test?module-path="+modURI, "--pin", "env:TOKEN_PIN", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"label": "rsa"`) || !strings.Contains(r.stdout, `"type": "private"`) {
		t.Errorf("keys --uri: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	uri := "pkcs11:token=wine-test;object=ec;type=private?module-path=" + modURI
	addr, stop := startServe(t, env, "--key", uri, "--password", "env:TOKEN_PIN")
	r = runCLI(t, env, "get", "https://"+addr+"/", "--roots", rootPEM, "--host", "www.example.test")
	if r.code != 0 || !strings.Contains(r.stdout, "hello from nativetls serve") {
		t.Errorf("get from the server with the token key: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if code := stop(); code != 0 && runtime.GOOS != "windows" { // killed on Windows
		t.Errorf("serve exit %d", code)
	}
	var unlisted []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "NATIVETLS_PKCS11_MODULES=") {
			unlisted = append(unlisted, kv)
		}
	}
	r = runCLI(t, unlisted, "keys", "--module", mod)
	if r.code == 0 || !strings.Contains(r.stderr, "NATIVETLS_PKCS11_MODULES") {
		t.Errorf("unlisted module: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
