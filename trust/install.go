package trust

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// InstallScope says whose trust an Install or Uninstall changes.
//
// The zero value, ScopeDefault, is the platform's usual place: the system
// store on Linux, the current user's ROOT store on Windows and the user
// trust-settings domain on macOS.
type InstallScope int

// Install scopes.
const (
	ScopeDefault InstallScope = iota // the platform's usual place (see InstallScope)
	ScopeUser                        // the current user only (Windows CurrentUser, macOS user domain, Linux NSS databases under the home directory)
	ScopeSystem                      // the whole machine (Linux system store, Windows LocalMachine, macOS admin domain)
)

// String returns "default", "user" or "system".
func (s InstallScope) String() string {
	switch s {
	case ScopeUser:
		return "user"
	case ScopeSystem:
		return "system"
	}
	return "default"
}

// InstallOptions configures Install and Uninstall on every platform
// package (linux, windows, darwin) and through Backend. The zero value
// installs in the platform's default store, for real.
//
// Fields marked with one platform are for that platform only; a platform
// given a field it does not use returns a *ConfigurationError naming it
// rather than ignoring it.
type InstallOptions struct {
	// Stores names the stores to change, in the platform's words; empty
	// means the platform's default. Linux: "system", "nss"; Windows:
	// "ROOT" (default), "CA", "Disallowed"; macOS: unused.
	Stores []string
	Scope  InstallScope // whose trust changes (zero: the platform's default)
	DryRun bool         // return (and write to Stdout) the actions without performing them
	// Name is the file name, nickname or label to use; empty derives one
	// from the certificate. It must be a plain name: ValidateInstallName.
	Name string
	Root string // (Linux) the root of a file system to change instead of /
	// Method (Linux) forces the system-store method: "debian", "fedora" or
	// "p11-kit"; empty detects it.
	Method string
	// NSSDatabases (Linux) lists NSS database directories to change; nil
	// discovers them under Home.
	NSSDatabases []string
	// Home (Linux) is the home directory searched for NSS databases; empty
	// means the user's.
	Home string
	// Keychain (macOS) is the keychain file to change; empty means the
	// default keychain.
	Keychain string
	Stdout   io.Writer // the dry-run plan and the output of commands run; nil discards it
}

// InstallAction is one step of an Install or Uninstall: a file written or
// removed, a command run, or a store entry added, removed or re-trusted.
type InstallAction struct {
	Store  string   // which store, e.g. "system (debian)", "nss:sql:/home/u/.pki/nssdb", "LocalMachine\\ROOT", "user trust settings"
	Op     string   // "write", "remove", "run", "add", "delete" or "set-trust"
	Path   string   // the file written or removed, if any
	Cmd    []string // the command line, for "run"
	Detail string   // anything else a person should know
}

// String renders the action as one line a person can read.
func (a InstallAction) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", a.Store, a.Op)
	if a.Path != "" {
		b.WriteString(" " + a.Path)
	}
	if len(a.Cmd) > 0 {
		b.WriteString(": " + strings.Join(a.Cmd, " "))
	}
	if a.Detail != "" {
		b.WriteString(" (" + a.Detail + ")")
	}
	return b.String()
}

// ErrNotInstalled is wrapped by the error of an Install (or Uninstall)
// whose store, read back afterwards, does not show the certificate (or
// still shows it) although the tool it ran reported success.
var ErrNotInstalled = errors.New("trust: the store, read back after the change, does not show it")

// ValidateInstallName reports whether name may be used as
// InstallOptions.Name: a non-empty plain name without path separators,
// "..", NUL or control characters, at most 128 bytes. The empty name is
// valid (it means "derive one").
func ValidateInstallName(name string) error {
	if name == "" {
		return nil
	}
	if len(name) > 128 {
		return fmt.Errorf("trust: install name is %d bytes long; use at most 128", len(name))
	}
	if name == "." || name == ".." || strings.Contains(name, "..") {
		return fmt.Errorf("trust: install name %q contains \"..\"; use a plain file name such as \"company-root\"", name)
	}
	for _, r := range name {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return fmt.Errorf("trust: install name %q contains a path separator or control character; use a plain file name such as \"company-root\"", name)
		}
	}
	return nil
}
