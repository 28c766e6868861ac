package linux

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// installPlan is trust.InstallOptions checked and resolved for Linux.
type installPlan struct {
	system, nss bool
	method      string // resolved system method (when system)
	root        string // absolute, or empty
	name        string
	opts        trust.InstallOptions
	out         io.Writer
}

func change(cert *x509.Certificate, opts trust.InstallOptions, install bool) ([]trust.InstallAction, error) {
	if cert == nil {
		return nil, errors.New("linux: no certificate given to install or uninstall")
	}
	p, err := newInstallPlan(opts)
	if err != nil {
		return nil, err
	}
	name := certName(cert, p.name)
	var done []action
	if p.system {
		as, err := systemActions(cert, name, &p, install)
		if err != nil {
			return nil, err
		}
		ran, err := run(as, p.out, opts.DryRun)
		done = append(done, ran...)
		if err != nil {
			return public(done), err
		}
		if !opts.DryRun {
			chk, err := checkSystem(cert, &p, install)
			done = append(done, chk)
			if err != nil {
				return public(done), err
			}
		}
	}
	if p.nss {
		ran, err := changeNSS(cert, name, &p, install)
		done = append(done, ran...)
		if err != nil {
			return public(done), err
		}
	}
	return public(done), nil
}

// newInstallPlan checks opts: known stores and method, a plain Name, no
// macOS-only field, an absolute Root.
func newInstallPlan(opts trust.InstallOptions) (installPlan, error) {
	p := installPlan{opts: opts, method: opts.Method, out: opts.Stdout}
	if p.out == nil {
		p.out = io.Discard
	}
	if opts.Keychain != "" {
		return p, &trust.ConfigurationError{Backend: "linux", Field: "Keychain",
			Msg: "is macOS only; on Linux choose Stores \"system\" or \"nss\""}
	}
	if err := trust.ValidateInstallName(opts.Name); err != nil {
		return p, &trust.ConfigurationError{Backend: "linux", Field: "Name", Msg: "refused", Err: err}
	}
	p.name = opts.Name
	if err := p.parseStores(); err != nil {
		return p, err
	}
	switch p.method {
	case "", methodDebian, methodFedora, methodP11Kit:
	default:
		return p, &trust.ConfigurationError{Backend: "linux", Field: "Method",
			Msg: fmt.Sprintf("unknown system store method %q: use debian, fedora or p11-kit", p.method)}
	}
	if opts.Root != "" {
		if p.method != "" && p.method != methodDebian {
			return p, &trust.ConfigurationError{Backend: "linux", Field: "Root",
				Msg: fmt.Sprintf("only the debian method can change another root, not %q", p.method)}
		}
		p.method = methodDebian
		root, err := absPath(opts.Root)
		if err != nil {
			return p, err
		}
		p.root = root
	}
	return p, nil
}

// parseStores maps opts.Stores (and, when empty, opts.Scope) to the stores.
func (p *installPlan) parseStores() error {
	if len(storeNames(p.opts.Stores)) == 0 {
		if p.opts.Scope == trust.ScopeUser {
			p.nss = true
		} else {
			p.system = true
		}
		return nil
	}
	for _, s := range storeNames(p.opts.Stores) {
		switch s {
		case "system":
			p.system = true
		case "nss":
			p.nss = true
		case "all":
			p.system, p.nss = true, true
		default:
			return &trust.ConfigurationError{Backend: "linux", Field: "Stores",
				Msg: fmt.Sprintf("unknown store %q: use system, nss or all", s)}
		}
	}
	return nil
}

// storeNames splits comma-separated store names ("system,nss") and
// lower-cases them.
func storeNames(stores []string) []string {
	var out []string
	for _, s := range stores {
		for _, part := range strings.Split(s, ",") {
			if part = strings.ToLower(strings.TrimSpace(part)); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// systemActions plans the change of the system store.
func systemActions(cert *x509.Certificate, name string, p *installPlan, install bool) ([]action, error) {
	if p.method == "" {
		p.method = detectMethod()
	}
	switch p.method {
	case methodDebian:
		return debianActions(cert, name, p.root, install)
	case methodFedora:
		return fedoraActions(cert, name, install), nil
	case methodP11Kit:
		return p11KitActions(cert, name, install, p.opts.DryRun)
	}
	return nil, ErrNoSystemStore
}

// detectMethod picks the system store method from what is installed, or
// returns "" when none applies.
func detectMethod() string {
	has := func(tool string) bool { _, err := exec.LookPath(tool); return err == nil }
	isDir := func(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() }
	switch {
	case has("update-ca-certificates") && isDir(debianLocalDir):
		return methodDebian
	case has("update-ca-trust") && isDir(fedoraAnchorDir):
		return methodFedora
	case has("trust"):
		return methodP11Kit
	}
	return ""
}
