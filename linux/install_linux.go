package linux

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// Install adds cert as a trusted CA to the stores opts selects and returns
// the actions performed (or, with DryRun, planned and printed). A tool that
// fails or is missing is reported as a *CmdError. The system store needs
// root; NSS databases need write access to them.
func Install(cert *x509.Certificate, opts InstallOptions) ([]Action, error) {
	return change(cert, opts, true)
}

// Uninstall removes cert (installed by Install with the same Name) from the
// stores opts selects.
func Uninstall(cert *x509.Certificate, opts InstallOptions) ([]Action, error) {
	return change(cert, opts, false)
}

func change(cert *x509.Certificate, opts InstallOptions, install bool) ([]Action, error) {
	if cert == nil {
		return nil, errors.New("linux: no certificate given to install or uninstall")
	}
	targets := opts.Targets
	if targets == 0 {
		targets = TargetSystem
	}
	name := certName(cert, &opts)
	var actions []Action
	if targets&TargetSystem != 0 {
		as, err := systemActions(cert, name, &opts, install)
		if err != nil {
			return nil, err
		}
		actions = append(actions, as...)
	}
	if targets&TargetNSS != 0 {
		as, err := nssActions(cert, name, &opts, install)
		if err != nil {
			return nil, err
		}
		actions = append(actions, as...)
	}
	return run(actions, &opts)
}

// systemActions plans the change of the system store.
func systemActions(cert *x509.Certificate, name string, opts *InstallOptions, install bool) ([]Action, error) {
	m := opts.Method
	if opts.Root != "" {
		m = MethodDebian
	}
	if m == MethodAuto {
		m = detectMethod()
	}
	switch m {
	case MethodDebian:
		return debianActions(cert, name, opts.Root, install)
	case MethodFedora:
		return fedoraActions(cert, name, install), nil
	case MethodP11Kit:
		return p11KitActions(cert, name, install, opts.DryRun)
	case MethodAuto:
		return nil, ErrNoSystemStore
	}
	return nil, fmt.Errorf("linux: unknown system store method %q (use debian, fedora or p11-kit)", m)
}

// detectMethod picks the system store method from what is installed.
func detectMethod() SystemMethod {
	has := func(tool string) bool { _, err := exec.LookPath(tool); return err == nil }
	isDir := func(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() }
	switch {
	case has("update-ca-certificates") && isDir(debianLocalDir):
		return MethodDebian
	case has("update-ca-trust") && isDir(fedoraAnchorDir):
		return MethodFedora
	case has("trust"):
		return MethodP11Kit
	}
	return MethodAuto
}
