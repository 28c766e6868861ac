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

	"github.com/nativetls/nativetls/trust"
)

// System store methods (trust.InstallOptions.Method).
const (
	// methodDebian copies the certificate to
	// /usr/local/share/ca-certificates and runs update-ca-certificates
	// (Debian, Ubuntu, Alpine, Gentoo).
	methodDebian = "debian"
	// methodFedora copies it to /etc/pki/ca-trust/source/anchors and runs
	// update-ca-trust extract (Fedora, RHEL, CentOS).
	methodFedora = "fedora"
	// methodP11Kit runs `trust anchor --store` / `trust anchor --remove`
	// (Arch, openSUSE and other p11-kit systems).
	methodP11Kit = "p11-kit"
)

// action is one planned step: the public description plus the bytes to
// write or feed on standard input.
type action struct {
	trust.InstallAction
	data []byte
}

// describe renders the action as a shell-like line for the dry-run plan.
func (a action) describe() string {
	switch a.Op {
	case "write":
		return fmt.Sprintf("[%s] write certificate to %s", a.Store, a.Path)
	case "remove":
		return fmt.Sprintf("[%s] rm -f %s", a.Store, a.Path)
	case "check":
		return fmt.Sprintf("[%s] read back: %s", a.Store, a.Detail)
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

// public returns the actions as trust.InstallActions.
func public(as []action) []trust.InstallAction {
	out := make([]trust.InstallAction, len(as))
	for i, a := range as {
		out[i] = a.InstallAction
	}
	return out
}

// certName returns the file name / nickname for cert: name when given
// (already validated), else "nativetls-<common name>-<8 hex digits of the
// certificate's SHA-256>".
func certName(cert *x509.Certificate, name string) string {
	if name != "" {
		return name
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

// run performs the actions in order, stopping at the first failure, and
// returns those performed. In a dry run it only prints them.
func run(actions []action, out io.Writer, dryRun bool) ([]action, error) {
	if dryRun {
		for _, a := range actions {
			fmt.Fprintln(out, a.describe())
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

func perform(a action, out io.Writer) error {
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

// Install adds cert as a trusted CA to the stores opts selects and returns
// the actions performed (or, with DryRun, planned and printed to Stdout).
//
// opts.Stores takes "system" (update-ca-certificates, update-ca-trust or
// `trust anchor`, per opts.Method), "nss" (certutil on every NSS database
// found: each Firefox profile and ~/.pki/nssdb under opts.Home, or
// opts.NSSDatabases) and "all"; empty means "nss" for trust.ScopeUser and
// "system" otherwise. opts.Root changes the Debian-layout file system under
// that directory instead of /. opts.Keychain is a *trust.ConfigurationError.
//
// Every change is verified: each store is read back afterwards with the
// loader the trust store uses, and an error wrapping trust.ErrNotInstalled
// says so when the certificate is not there. A tool that fails or is
// missing is a *CmdError. The system store needs root; NSS databases need
// write access to them.
func Install(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	return change(cert, opts, true)
}

// Uninstall removes cert (installed by Install with the same Name) from the
// stores opts selects (see Install) and verifies, by reading each store
// back, that the certificate is no longer trusted there; if it still is,
// the error wraps trust.ErrNotInstalled.
func Uninstall(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	return change(cert, opts, false)
}
