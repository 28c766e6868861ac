package pkcs11

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// p11-kit module configuration directories, system then user (pkcs11.conf(5)).
var moduleConfigDirs = []string{
	"/etc/pkcs11/modules",
	"/usr/share/p11-kit/modules",
	"/usr/local/share/p11-kit/modules",
}

// moduleLibDirs are searched for relative module names, as p11-kit does
// with its configured module directory.
var moduleLibDirs = []string{
	"/usr/lib/x86_64-linux-gnu/pkcs11",
	"/usr/lib/aarch64-linux-gnu/pkcs11",
	"/usr/lib64/pkcs11",
	"/usr/lib/pkcs11",
	"/usr/lib/x86_64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu",
	"/usr/lib64",
	"/usr/lib",
	"/usr/local/lib",
	"/usr/lib/softhsm",
	"/opt/homebrew/lib",
	"/usr/local/lib/pkcs11",
}

// defaultModuleNames is what is loaded when neither Options nor the URI
// names a module: p11-kit's proxy, which exposes every configured module.
var defaultModuleNames = []string{"p11-kit-proxy.so", "libp11-kit.so.0", "p11-kit-proxy.dylib", "libp11-kit.0.dylib"}

// resolveModule picks the module file for a URI: explicit path first
// (Options.ModulePath, then module-path, which may be a directory searched
// for module-name), then module-name through p11-kit's module config,
// then p11-kit-proxy.so.
func resolveModule(optPath string, u *URI) (string, error) {
	if optPath != "" {
		return optPath, nil
	}
	if u.ModulePath != "" {
		st, err := os.Stat(u.ModulePath)
		if err != nil {
			return "", fmt.Errorf("pkcs11: module-path %s in %s: %v: %w", u.ModulePath, u.Redacted(), err, ErrModuleNotFound)
		}
		if !st.IsDir() {
			return u.ModulePath, nil
		}
		if u.ModuleName == "" {
			return "", fmt.Errorf("pkcs11: module-path %s in %s is a directory; add module-name: %w", u.ModulePath, u.Redacted(), ErrModuleNotFound)
		}
		if !validModuleName(u.ModuleName) {
			return "", &URIError{URI: u.Redacted(), Reason: "module-name must be a bare library name without '/', '\\' or \"..\""}
		}
		if p := findLib([]string{u.ModulePath}, u.ModuleName); p != "" {
			return p, nil
		}
		return "", fmt.Errorf("pkcs11: no module %q in %s: %w", u.ModuleName, u.ModulePath, ErrModuleNotFound)
	}
	if u.ModuleName != "" {
		if !validModuleName(u.ModuleName) {
			return "", &URIError{URI: u.Redacted(), Reason: "module-name must be a bare library name without '/', '\\' or \"..\""}
		}
		if p := moduleFromConfig(u.ModuleName); p != "" {
			return p, nil
		}
		if p := findLib(moduleLibDirs, u.ModuleName); p != "" {
			return p, nil
		}
		return "", fmt.Errorf("pkcs11: module-name %q in %s not found in p11-kit's module config (%s) or the library directories; give module-path: %w",
			u.ModuleName, u.Redacted(), strings.Join(moduleConfigDirs, ", "), ErrModuleNotFound)
	}
	for _, name := range defaultModuleNames {
		if p := findLib(moduleLibDirs, name); p != "" {
			return p, nil
		}
	}
	return "", fmt.Errorf("pkcs11: %s names no module and p11-kit-proxy.so was not found; add ?module-path=/path/to/module.so or install p11-kit: %w", u.Redacted(), ErrModuleNotFound)
}

// configDirs are p11-kit's module config directories, the user's first.
func configDirs() []string {
	dirs := moduleConfigDirs
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append([]string{filepath.Join(home, ".config", "pkcs11", "modules")}, dirs...)
	}
	return dirs
}

// moduleFromConfig reads NAME.module in p11-kit's config directories and
// returns its "module:" path, made absolute.
func moduleFromConfig(name string) string {
	if !validModuleName(name) {
		return ""
	}
	for _, d := range configDirs() {
		if lib := moduleFromConfigDir(d, name); lib != "" {
			return lib
		}
	}
	return ""
}

// moduleFromConfigDir reads DIR/NAME.module and returns its "module:"
// path, made absolute ("" if none).
func moduleFromConfigDir(dir, name string) string {
	f, err := os.Open(filepath.Join(dir, name+".module"))
	if err != nil {
		return ""
	}
	lib := parseModuleConfig(f)
	f.Close()
	if lib == "" || filepath.IsAbs(lib) {
		return lib
	}
	if !validModuleName(lib) {
		return ""
	}
	return findLib(moduleLibDirs, lib)
}

// parseModuleConfig returns the value of the "module:" key.
func parseModuleConfig(f *os.File) string {
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "module" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// findLib looks for name, name.so and libname.so in dirs.
func findLib(dirs []string, name string) string {
	cands := []string{name}
	if !strings.Contains(name, ".so") && !strings.HasSuffix(name, ".dll") && !strings.HasSuffix(name, ".dylib") {
		cands = append(cands, name+".so", "lib"+name+".so", name+".dylib", "lib"+name+".dylib", name+".dll")
	}
	for _, d := range dirs {
		for _, c := range cands {
			p := filepath.Join(d, c)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
	}
	return ""
}
