package pkcs11

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/internal/testfs"
)

func TestResolveModule(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("p11-kit's module config exists on Linux")
	}
	const conf = "/usr/share/p11-kit/modules/softhsm2.module"
	if _, err := os.Stat(conf); err != nil {
		t.Skipf("%s missing; install with: apt-get install -y softhsm2", conf)
	}
	p, err := resolveModule("", &URI{ModuleName: "softhsm2"})
	if err != nil || p != "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so" {
		t.Errorf("module-name=softhsm2: %q %v", p, err)
	}
	p, err = resolveModule("", &URI{})
	if err != nil || p != "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so" {
		t.Errorf("default module: %q %v", p, err)
	}
	if p, _ := resolveModule("/x.so", &URI{ModuleName: "softhsm2"}); p != "/x.so" {
		t.Errorf("Options.ModulePath not preferred: %q", p)
	}
	p, err = resolveModule("", &URI{ModulePath: "/usr/lib/softhsm", ModuleName: "softhsm2"})
	if err != nil || p != "/usr/lib/softhsm/libsofthsm2.so" {
		t.Errorf("module-path dir + module-name: %q %v", p, err)
	}
	if _, err := resolveModule("", &URI{ModuleName: "no-such-module"}); !errors.Is(err, ErrModuleNotFound) {
		t.Errorf("unknown module-name: %v", err)
	}
}

func TestReadPINSource(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file: URIs of Unix paths")
	}
	f := pinFile(t, "12 34\r\nignored")
	for _, src := range []string{f, "file:" + f, "file://" + f} {
		if pin, err := readPINSource(src); err != nil || pin != "12 34" {
			t.Errorf("%s: %q %v", src, pin, err)
		}
	}
	if _, err := readPINSource("https://example.com/pin"); err == nil {
		t.Error("remote pin-source accepted")
	}
}

// TestPINSourceRefusesEndlessFiles: pin-source=/dev/zero is refused at
// once, not read forever.
func TestPINSourceRefusesEndlessFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("/dev/zero is a Unix device")
	}
	for _, src := range []string{"/dev/zero", "file:///dev/zero"} {
		_, err := readPINSource(src)
		if !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("pin-source %s: err = %v, want safefile.ErrNotRegular", src, err)
		}
	}
}

// pinFile writes pin to a fresh file and returns its path, for a
// pin-source.
func pinFile(t testing.TB, pin string) string {
	t.Helper()
	path := filepath.Join(testfs.TempDir(t), "pin")
	if err := os.WriteFile(path, []byte(pin), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
