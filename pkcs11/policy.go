package pkcs11

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// modulesEnv is the environment variable in which an operator lists module
// files (separated by os.PathListSeparator, ':' on Unix) that may be loaded
// although they are neither registered with p11-kit nor installed in a
// system library directory.
const modulesEnv = "NATIVETLS_PKCS11_MODULES"

// ErrModuleRefused means the module file is not allowed to be loaded
// (see ModuleRefusedError); it was never opened.
var ErrModuleRefused = errors.New("pkcs11: module refused")

// ModuleRefusedError reports a module file refused by the loading policy
// before it was opened, so none of its code ran. A module is loaded only
// when it is (a) registered with p11-kit (a "module:" line in a .module
// file of pkcs11.conf(5)'s directories), (b) a regular file inside a
// system library directory (/usr/lib, /usr/lib64, /usr/local/lib and
// their subdirectories), owned by root or the current user and not
// writable by group or others, nor any directory above it, or (c) listed
// in Options.AllowedModules or in $NATIVETLS_PKCS11_MODULES.
type ModuleRefusedError struct {
	Path   string // the module path as given
	Reason string // which rule failed
}

// Error names the module, the rule and the ways to allow it.
func (e *ModuleRefusedError) Error() string {
	return fmt.Sprintf("pkcs11: refusing to load module %s: %s; a module is loaded only when registered with p11-kit (/etc/pkcs11/modules/NAME.module), "+
		"installed root-owned and not group/other-writable under /usr/lib, /usr/lib64 or /usr/local/lib, "+
		"or listed by the program (Options.AllowedModules) or the operator (%s=/path/to/module.so)", e.Path, e.Reason, modulesEnv)
}

// Unwrap returns ErrModuleRefused.
func (e *ModuleRefusedError) Unwrap() error { return ErrModuleRefused }

// systemLibDirs are the directories whose trusted files may be loaded
// without being listed: a file here can only be placed by the
// administrator (checked by trustedFile).
var systemLibDirs = []string{"/usr/lib", "/usr/lib64", "/usr/local/lib"}

// validModuleName reports whether a module-name is a bare name that cannot
// leave the directories it is looked up in.
func validModuleName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "/\\\x00") && !strings.Contains(name, "..")
}

// checkModule applies the loading policy to path and returns the file to
// open (symlinks resolved), or *ModuleRefusedError (or ErrModuleNotFound)
// without opening anything.
func checkModule(path string, allowed []string) (string, error) {
	if !filepath.IsAbs(path) {
		return "", &ModuleRefusedError{Path: path, Reason: "a relative path is never loaded (it depends on the working directory); give an absolute path"}
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("pkcs11: module %s: %v; install the module or fix the path: %w", path, err, ErrModuleNotFound)
	}
	st, err := os.Stat(resolved)
	if err != nil {
		return "", fmt.Errorf("pkcs11: module %s: %v: %w", path, err, ErrModuleNotFound)
	}
	if !st.Mode().IsRegular() {
		return "", &ModuleRefusedError{Path: path, Reason: "it is not a regular file"}
	}
	if listed(resolved, allowed) || listed(resolved, filepath.SplitList(os.Getenv(modulesEnv))) {
		return resolved, nil
	}
	if slices.Contains(registeredModules(), resolved) {
		return resolved, nil
	}
	if !inSystemLibDir(resolved) {
		return "", &ModuleRefusedError{Path: path, Reason: fmt.Sprintf("%s is not registered with p11-kit, not inside a system library directory (%s) and not allowed explicitly",
			resolved, strings.Join(systemLibDirs, ", "))}
	}
	if reason := untrustedFile(resolved); reason != "" {
		return "", &ModuleRefusedError{Path: path, Reason: reason}
	}
	return resolved, nil
}

// listed reports whether resolved is one of the paths in list (each
// resolved through its symlinks too).
func listed(resolved string, list []string) bool {
	for _, p := range list {
		if p == "" || !filepath.IsAbs(p) {
			continue
		}
		if r, err := filepath.EvalSymlinks(p); err == nil && r == resolved {
			return true
		}
	}
	return false
}

func inSystemLibDir(resolved string) bool {
	for _, d := range systemLibDirs {
		if strings.HasPrefix(resolved, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// untrustedFile checks the file and every directory above it: owned by
// root or the current user, not writable by group or others. It returns
// why not, or "".
func untrustedFile(resolved string) string {
	for p := resolved; ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Sprintf("cannot check %s: %v", p, err)
		}
		if st.Mode().Perm()&0o022 != 0 {
			return fmt.Sprintf("%s is writable by group or others (mode %v)", p, st.Mode().Perm())
		}
		if !ownedByRootOrMe(st) {
			return fmt.Sprintf("%s is owned by neither root nor the current user", p)
		}
		if filepath.Dir(p) == p {
			return ""
		}
	}
}

// registeredModules returns the module files registered with p11-kit
// (symlinks resolved).
func registeredModules() []string {
	var out []string
	for _, d := range configDirs() {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			name, ok := strings.CutSuffix(e.Name(), ".module")
			if !ok {
				continue
			}
			if lib := moduleFromConfigDir(d, name); lib != "" {
				if r, err := filepath.EvalSymlinks(lib); err == nil {
					out = append(out, r)
				}
			}
		}
	}
	return out
}
