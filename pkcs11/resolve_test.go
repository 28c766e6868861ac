package pkcs11

import (
	"errors"
	"github.com/nativetls/nativetls/internal/testfs"
	"os"
	"runtime"
	"testing"
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
	f := testfs.TempDir(t) + "/pin"
	os.WriteFile(f, []byte("12 34\r\nignored"), 0o600)
	for _, src := range []string{f, "file:" + f, "file://" + f} {
		if pin, err := readPINSource(src); err != nil || pin != "12 34" {
			t.Errorf("%s: %q %v", src, pin, err)
		}
	}
	if _, err := readPINSource("https://example.com/pin"); err == nil {
		t.Error("remote pin-source accepted")
	}
}
