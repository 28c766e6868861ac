package pkcs11

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/testfs"
)

// markerModule builds a shared object whose constructor writes the file
// named by $P11_MARKER: if the marker appears, the library was loaded and
// its code ran.
func markerModule(t *testing.T, dir string) (lib, marker string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("builds an ELF shared object")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc missing; install with: apt-get install -y gcc")
	}
	src := filepath.Join(dir, "evil.c")
	lib = filepath.Join(dir, "evil.so")
	marker = filepath.Join(dir, "marker")
	code := `#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void pwn(void) {
	const char *p = getenv("P11_MARKER");
	FILE *f = p ? fopen(p, "w") : NULL;
	if (f) { fputs("loaded", f); fclose(f); }
}
`
	if err := os.WriteFile(src, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-shared", "-fPIC", "-o", lib, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	t.Setenv("P11_MARKER", marker)
	return lib, marker
}

func notLoaded(t *testing.T, marker string) {
	t.Helper()
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the refused module was loaded: its constructor ran")
	}
}

// TestModulePolicyRefusesBeforeLoading: a module in a temp directory,
// through LoadModule, module-path, Tokens and a symlink from a system
// directory, is refused without being loaded.
func TestModulePolicyRefusesBeforeLoading(t *testing.T) {
	lib, marker := markerModule(t, testfs.TempDir(t))
	t.Setenv(modulesEnv, "")
	var re *ModuleRefusedError
	if _, err := LoadModule(lib, ""); !errors.As(err, &re) || !errors.Is(err, ErrModuleRefused) {
		t.Fatalf("LoadModule(%s) = %v, want ModuleRefusedError", lib, err)
	}
	if !strings.Contains(re.Error(), modulesEnv) || !strings.Contains(re.Error(), lib) {
		t.Errorf("error does not name the module and how to allow it: %v", re)
	}
	if _, err := OpenKey("pkcs11:token=x?pin-value=1&module-path="+lib, nil); !errors.Is(err, ErrModuleRefused) {
		t.Errorf("OpenKey with module-path=%s: %v", lib, err)
	}
	if _, err := Tokens(lib); !errors.Is(err, ErrModuleRefused) {
		t.Errorf("Tokens(%s): %v", lib, err)
	}
	if _, err := LoadModule("evil.so", ""); !errors.Is(err, ErrModuleRefused) {
		t.Errorf("relative path: %v", err)
	}
	notLoaded(t, marker)
}

// TestModulePolicyGroupWritable: a file is refused when it or a directory
// above it is writable by group or others, or it is not a regular file.
func TestModulePolicyGroupWritable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permission bits; on Windows only allowed modules load")
	}
	dir := testfs.TempDir(t)
	f := filepath.Join(dir, "m.so")
	if err := os.WriteFile(f, nil, 0o664); err != nil {
		t.Fatal(err)
	}
	os.Chmod(f, 0o664)
	if r := untrustedFile(f); !strings.Contains(r, "writable by group or others") {
		t.Errorf("group-writable file: %q", r)
	}
	os.Chmod(f, 0o644)
	os.Chmod(dir, 0o777)
	if r := untrustedFile(f); !strings.Contains(r, dir) {
		t.Errorf("world-writable parent: %q", r)
	}
	if _, err := checkModule(dir, nil); !errors.Is(err, ErrModuleRefused) {
		t.Errorf("directory: %v", err)
	}
	if r := untrustedFile(softhsmModule); r != "" {
		if _, err := os.Stat(softhsmModule); err == nil {
			t.Errorf("SoftHSM at its system path is untrusted: %s", r)
		}
	}
}

// TestModulePolicyAllowed: the program (Options.AllowedModules) and the
// operator ($NATIVETLS_PKCS11_MODULES) can allow a module elsewhere; then
// it is loaded (the marker appears).
func TestModulePolicyAllowed(t *testing.T) {
	lib, marker := markerModule(t, testfs.TempDir(t))
	t.Setenv(modulesEnv, "/nonexistent.so"+string(os.PathListSeparator)+lib)
	_, err := LoadModule(lib, "")
	if errors.Is(err, ErrModuleRefused) || !errors.Is(err, ErrModuleNotFound) {
		t.Fatalf("allowed by %s: %v, want a load failure (no C_GetFunctionList)", modulesEnv, err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("module allowed by %s was not loaded", modulesEnv)
	}
	// A fresh library: the first stays mapped after the failed load.
	lib, marker = markerModule(t, testfs.TempDir(t))
	t.Setenv(modulesEnv, "")
	if _, err := checkModule(lib, []string{lib}); err != nil {
		t.Fatalf("allowed by Options.AllowedModules: %v", err)
	}
	_, err = OpenKey("pkcs11:token=x?pin-value=1&module-path="+lib, &Options{AllowedModules: []string{lib}})
	if errors.Is(err, ErrModuleRefused) {
		t.Fatalf("allowed by Options.AllowedModules: %v", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("module allowed by Options.AllowedModules was not loaded")
	}
}

// TestModulePolicySoftHSMCopy: SoftHSM copied into a temp dir is refused,
// and works once allowed through Options.AllowedModules.
func TestModulePolicySoftHSMCopy(t *testing.T) {
	sharedHSM(t)
	data, err := os.ReadFile(softhsmModule)
	if err != nil {
		t.Skipf("%v; install with: apt-get install -y softhsm2", err)
	}
	cp := filepath.Join(testfs.TempDir(t), "libsofthsm2.so")
	if err := os.WriteFile(cp, data, 0o775); err != nil {
		t.Fatal(err)
	}
	t.Setenv(modulesEnv, "")
	uri := "pkcs11:token=algos;object=p256?pin-value=" + testPIN + "&module-path=" + cp
	if _, err := OpenKey(uri, nil); !errors.Is(err, ErrModuleRefused) {
		t.Fatalf("group-writable SoftHSM copy in a temp dir: %v", err)
	}
	k, err := OpenKey(uri, &Options{AllowedModules: []string{cp}})
	if err != nil {
		t.Fatalf("allowed copy: %v", err)
	}
	k.Close()
}

func TestModuleNameTraversal(t *testing.T) {
	for _, name := range []string{"../../../tmp/evil", "a/b", `a\b`, "..", "x..y"} {
		uri := "pkcs11:token=x?module-name=" + strings.ReplaceAll(name, `\`, "%5C")
		if _, err := ParseURI(uri); !errors.Is(err, ErrInvalidURI) {
			t.Errorf("ParseURI(%s) = %v, want ErrInvalidURI", uri, err)
		}
		if _, err := resolveModule("", &URI{ModuleName: name}); err == nil {
			t.Errorf("resolveModule(module-name=%q) succeeded", name)
		}
	}
}
