package native

import (
	"crypto/x509"
	"io"
	"strings"
	"sync"

	"github.com/nativetls/nativetls/linux"
	"github.com/nativetls/nativetls/trust"
)

// linuxBackend verifies with the merged Linux trust sources (p11-kit, bundles,
// directories; see package linux).
var linuxBackend = &backend{
	name:             "linux",
	system:           linuxSystem,
	loadCertificates: backendCertificates,
	loadKey:          backendKey,
}

var (
	linuxOnce  sync.Once
	linuxStore trust.TrustStore
	linuxErr   error
)

// linuxSystem loads the Linux system store once per process; OS changes are
// seen after (*linux.Store).Reload.
func linuxSystem() (trust.TrustStore, error) {
	linuxOnce.Do(func() {
		s, err := linux.System()
		if err != nil {
			linuxErr = err
			return
		}
		linuxStore = s
	})
	return linuxStore, linuxErr
}

// platformBackend returns the Linux backend.
func platformBackend() *backend { return linuxBackend }

func init() {
	linuxBackend.install = linuxInstall
	linuxBackend.capabilities = linuxCapabilities
}

// linuxInstall adapts package linux's Install/Uninstall (today's
// linux.InstallOptions shape) to trust.InstallOptions. Stores are "system",
// "nss" or "all" (empty: "system"; ScopeUser alone means "nss").
func linuxInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	if opts.Keychain != "" {
		return nil, &trust.ConfigurationError{Backend: "linux", Field: "install keychain", Msg: "InstallOptions.Keychain is for macOS; Linux changes the system store and NSS databases"}
	}
	stores := strings.Join(opts.Stores, ",")
	switch {
	case stores == "" && opts.Scope == trust.ScopeUser:
		stores = "nss"
	case stores == "":
		stores = "system"
	}
	targets, err := linux.ParseTarget(stores)
	if err != nil {
		return nil, &trust.ConfigurationError{Backend: "linux", Field: "install stores", Msg: err.Error()}
	}
	out := opts.Stdout
	if out == nil {
		out = io.Discard
	}
	lo := linux.InstallOptions{Targets: targets, DryRun: opts.DryRun, Root: opts.Root, Method: linux.SystemMethod(opts.Method),
		NSSDatabases: opts.NSSDatabases, Home: opts.Home, Name: opts.Name, Stdout: out}
	f := linux.Install
	if uninstall {
		f = linux.Uninstall
	}
	acts, err := f(cert, lo)
	res := make([]trust.InstallAction, 0, len(acts))
	for _, a := range acts {
		res = append(res, trust.InstallAction{Store: a.Store, Op: a.Op, Path: a.Path, Cmd: a.Cmd})
	}
	return res, err
}

// linuxCapabilities marks the keychain: password source unavailable when
// there is no D-Bus session bus to reach the Secret Service through.
func linuxCapabilities(caps []trust.Capability) []trust.Capability {
	for i := range caps {
		if caps[i].Name == "keychain" && caps[i].Available {
			if why := sessionBusProblem(); why != "" {
				caps[i].Available, caps[i].Note = false, why
			}
		}
	}
	return caps
}
