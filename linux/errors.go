package linux

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// ErrUnsupported is returned by every entry point on operating systems other
// than Linux. It wraps trust.ErrUnsupported.
var ErrUnsupported = fmt.Errorf("linux: the Linux trust backend is only available on Linux: %w", trust.ErrUnsupported)

// ErrToolMissing is wrapped by a *CmdError when the command is not
// installed.
var ErrToolMissing = errors.New("linux: tool not installed")

// ErrNoSystemStore means no supported system trust tool was found
// (update-ca-certificates, update-ca-trust or trust).
var ErrNoSystemStore = errors.New("linux: no system trust store tool found (install ca-certificates or p11-kit)")

// ErrNoNSSDatabase means TargetNSS was asked for and no NSS database was
// found.
var ErrNoNSSDatabase = errors.New("linux: no NSS database found (start Firefox or Chrome once, create one with certutil -N -d sql:$HOME/.pki/nssdb --empty-password, or set InstallOptions.NSSDatabases)")

// CmdError reports an external command that failed or could not be run.
type CmdError struct {
	Cmd    []string // the command line
	Output []byte   // combined stdout and stderr
	Err    error    // the exec error (exit status, or ErrToolMissing wrapping exec.ErrNotFound)
}

func (e *CmdError) Error() string {
	msg := fmt.Sprintf("linux: command %q failed: %v", strings.Join(e.Cmd, " "), e.Err)
	if errors.Is(e.Err, ErrToolMissing) {
		msg = fmt.Sprintf("linux: command %q cannot run: %s is not installed; install it (for example apt-get install %s)",
			strings.Join(e.Cmd, " "), e.Cmd[0], packageFor(e.Cmd[0]))
	}
	if out := strings.TrimSpace(string(e.Output)); out != "" {
		msg += ": " + out
	}
	return msg
}

// Unwrap returns the underlying exec error.
func (e *CmdError) Unwrap() error { return e.Err }

// packageFor names the Debian package that provides a tool.
func packageFor(tool string) string {
	switch tool {
	case "certutil":
		return "libnss3-tools"
	case "update-ca-certificates":
		return "ca-certificates"
	case "trust":
		return "p11-kit"
	case "update-ca-trust":
		return "ca-certificates (Fedora: dnf install ca-certificates)"
	}
	return tool
}

// SourceError reports a trust source that could not be read (fully or in
// part). It is kept in the source's trust.SourceReport.
type SourceError struct {
	Source string // "p11-kit", "nss", "bundle", "directory" …
	Path   string // module, database, file or directory
	Err    error
}

func (e *SourceError) Error() string {
	return fmt.Sprintf("linux: %s %s: %v", e.Source, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *SourceError) Unwrap() error { return e.Err }

// NoAnchorsError means no source yielded a trusted certificate. Sources
// says where Load looked and why each place gave nothing.
type NoAnchorsError struct {
	Sources []trust.SourceReport
}

func (e *NoAnchorsError) Error() string {
	return "linux: no trusted certificates found; looked at: " + describeSources(e.Sources) +
		"; install ca-certificates, or set SSL_CERT_FILE to a PEM bundle"
}

// describeSources renders source reports as one line: "bundle /x (3
// anchors); p11-kit (skipped: …)".
func describeSources(reports []trust.SourceReport) string {
	var parts []string
	for _, r := range reports {
		p := r.Name
		if r.Path != "" {
			p += " " + r.Path
		}
		switch {
		case r.Skipped != "":
			p += " (skipped: " + r.Skipped + ")"
		case r.Err != nil:
			p += " (" + r.Err.Error() + ")"
		default:
			p += fmt.Sprintf(" (%d trusted, %d distrusted)", r.Anchors, r.Distrusted)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "no source was found"
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns trust.ErrNoTrustAnchors.
func (e *NoAnchorsError) Unwrap() error { return trust.ErrNoTrustAnchors }
