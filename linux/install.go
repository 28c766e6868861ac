package linux

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Target selects the stores Install and Uninstall change.
type Target int

// Targets; combine with |.
const (
	// TargetSystem is the operating system's store (update-ca-certificates,
	// update-ca-trust or `trust anchor`).
	TargetSystem Target = 1 << iota
	// TargetNSS is every NSS database found: each Firefox profile and
	// ~/.pki/nssdb (Chrome/Chromium on Linux), or InstallOptions.NSSDatabases.
	TargetNSS
	// TargetAll is every store.
	TargetAll = TargetSystem | TargetNSS
)

// ParseTarget parses "system", "nss" or "all" (also comma-separated,
// e.g. "system,nss"), as the nativetls CLI takes them.
func ParseTarget(s string) (Target, error) {
	var t Target
	for _, part := range strings.Split(s, ",") {
		switch strings.TrimSpace(strings.ToLower(part)) {
		case "system":
			t |= TargetSystem
		case "nss":
			t |= TargetNSS
		case "all":
			t |= TargetAll
		default:
			return 0, fmt.Errorf("linux: unknown store %q: use system, nss or all", part)
		}
	}
	return t, nil
}

// String returns "system", "nss" or "all".
func (t Target) String() string {
	switch t {
	case TargetSystem:
		return "system"
	case TargetNSS:
		return "nss"
	case TargetAll:
		return "all"
	}
	return fmt.Sprintf("Target(%d)", int(t))
}

// SystemMethod is how the system store is changed.
type SystemMethod string

// System store methods.
const (
	// MethodAuto picks the first that applies: Debian, Fedora, p11-kit.
	MethodAuto SystemMethod = ""
	// MethodDebian copies the certificate to
	// /usr/local/share/ca-certificates and runs update-ca-certificates
	// (Debian, Ubuntu, Alpine, Gentoo).
	MethodDebian SystemMethod = "debian"
	// MethodFedora copies it to /etc/pki/ca-trust/source/anchors and runs
	// update-ca-trust extract (Fedora, RHEL, CentOS).
	MethodFedora SystemMethod = "fedora"
	// MethodP11Kit runs `trust anchor --store` / `trust anchor --remove`
	// (Arch, openSUSE and other p11-kit systems).
	MethodP11Kit SystemMethod = "p11-kit"
)

// InstallOptions configures Install and Uninstall. The zero value changes
// the system store of this machine, for real.
type InstallOptions struct {
	// Targets selects the stores; zero means TargetSystem.
	Targets Target
	// DryRun prints (to Stdout) and returns the actions without performing
	// them.
	DryRun bool
	// Root, if set, is the root of a Debian-layout file system to change
	// instead of / (update-ca-certificates --sysroot Root); it implies
	// MethodDebian. Tests use a temporary directory.
	Root string
	// Method forces a system store method; zero detects it.
	Method SystemMethod
	// NSSDatabases lists NSS database directories (with or without "sql:")
	// for TargetNSS; nil means discover them under Home.
	NSSDatabases []string
	// Home is the home directory searched for NSS databases; empty means
	// the user's home directory.
	Home string
	// Name is the file name and NSS nickname used; empty derives
	// "nativetls-<common name>-<8 hex digits of the certificate's SHA-256>".
	Name string
	// Stdout receives the dry-run plan and the output of the commands run;
	// nil discards it.
	Stdout io.Writer
}

// Action is one step of an install or uninstall: a file written or removed,
// or a command run.
type Action struct {
	Store string   // "system (debian)", "nss:sql:/home/u/.pki/nssdb" …
	Op    string   // "write", "remove" or "run"
	Path  string   // the file written or removed ("write"/"remove")
	Cmd   []string // the command line ("run")
	data  []byte   // file content or standard input
}

// String renders the action as a shell-like line.
func (a Action) String() string {
	switch a.Op {
	case "write":
		return fmt.Sprintf("[%s] write certificate to %s", a.Store, a.Path)
	case "remove":
		return fmt.Sprintf("[%s] rm -f %s", a.Store, a.Path)
	}
	s := fmt.Sprintf("[%s] %s", a.Store, shellJoin(a.Cmd))
	if a.data != nil {
		s += " < certificate.pem"
	}
	return s
}

func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$\\,") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// certName returns the file name / nickname for cert.
func certName(cert *x509.Certificate, opts *InstallOptions) string {
	if opts.Name != "" {
		return opts.Name
	}
	sum := sha256.Sum256(cert.Raw)
	cn := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, cert.Subject.CommonName)
	cn = strings.Trim(cn, "-")
	if len(cn) > 40 {
		cn = cn[:40]
	}
	if cn == "" {
		cn = "ca"
	}
	return "nativetls-" + cn + "-" + hex.EncodeToString(sum[:4])
}

func certPEM(cert *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// run performs the actions in order, stopping at the first failure. In a
// dry run it only prints them.
func run(actions []Action, opts *InstallOptions) ([]Action, error) {
	out := opts.Stdout
	if out == nil {
		out = io.Discard
	}
	if opts.DryRun {
		for _, a := range actions {
			fmt.Fprintln(out, a.String())
		}
		return actions, nil
	}
	for i, a := range actions {
		if err := perform(a, out); err != nil {
			return actions[:i], err
		}
	}
	return actions, nil
}

func perform(a Action, out io.Writer) error {
	switch a.Op {
	case "write":
		if err := os.WriteFile(a.Path, a.data, 0o644); err != nil {
			return fmt.Errorf("linux: cannot write the certificate to %s: %w (run as root, or choose another store)", a.Path, err)
		}
		return nil
	case "remove":
		if err := os.Remove(a.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("linux: cannot remove %s: %w (run as root)", a.Path, err)
		}
		return nil
	}
	return runCmd(a.Cmd, a.data, out)
}

// runCmd runs a command, feeding stdin when non-nil; a failure or a
// missing tool is a *CmdError with the output.
func runCmd(args []string, stdin []byte, out io.Writer) error {
	if _, err := exec.LookPath(args[0]); err != nil {
		return &CmdError{Cmd: args, Err: fmt.Errorf("%w: %v", ErrToolMissing, err)}
	}
	cmd := exec.Command(args[0], args[1:]...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	output, err := cmd.CombinedOutput()
	if len(output) > 0 {
		out.Write(output)
	}
	if err != nil {
		return &CmdError{Cmd: args, Output: output, Err: err}
	}
	return nil
}
