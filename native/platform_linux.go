package native

import (
	"crypto/x509"

	"github.com/nativetls/nativetls/linux"
	"github.com/nativetls/nativetls/trust"
)

// linuxBackend verifies with the merged Linux trust sources (p11-kit,
// bundles, directories; see package linux); the store notices changes to
// its sources by itself.
var linuxBackend = osBackend("linux", linux.System)

// platformBackend returns the Linux backend.
func platformBackend() *backend { return linuxBackend }

func init() {
	linuxBackend.install = linuxInstall
	linuxBackend.capabilities = linuxCapabilities
}

// linuxInstall is package linux's Install/Uninstall, which take
// trust.InstallOptions and read every store back after the change.
func linuxInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	if uninstall {
		return linux.Uninstall(cert, opts)
	}
	return linux.Install(cert, opts)
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
