package native

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// backend is the implementation behind a trust.Backend: a name and the
// platform's system trust store.
type backend struct {
	name   string
	system func() (trust.TrustStore, error)
	// loadCertificates / loadKey resolve file paths and platform URIs.
	loadCertificates func(spec string) ([]*x509.Certificate, error)
	loadKey          func(spec string, pw trust.PasswordFunc) (crypto.Signer, error)
	// install adds (or, with uninstall, removes) a CA in the platform's
	// stores; nil means the platform has none nativetls can change.
	install func(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error)
	// osKeyStores lists the identities of the OS key stores besides
	// PKCS#11; nil means there are none.
	osKeyStores func() []trust.KeyStore
	// capabilities adjusts the scheme report to what this machine has at
	// run time; nil means Schemes() as is.
	capabilities func([]trust.Capability) []trust.Capability
}

// verifierFor resolves the trust store a configuration verifies with.
func (b *backend) verifierFor(cfg trust.Configuration, usage trust.Usage) (verifier, error) {
	v := verifier{backend: b.name, cfg: cfg, usage: usage, checkHostname: true}
	if !validationEnabled(cfg) {
		return v, nil
	}
	store := cfg.TrustStore()
	if store == nil {
		s, err := b.system()
		if err != nil {
			return v, &trust.ConfigurationError{Backend: b.name, Field: "trust store",
				Msg: "no trust store is configured and the system trust store could not be loaded", Err: err}
		}
		store = s
	}
	v.store = store
	return v, nil
}

// validate reports what in cfg the backend cannot honour.
func (b *backend) validate(cfg trust.Configuration) error {
	if _, err := baseConfig(b.name, cfg); err != nil {
		return err
	}
	_, err := b.verifierFor(cfg, trust.UsageServerAuth)
	return err
}

// public returns the trust.Backend value for b.
func (b *backend) public() trust.Backend {
	return trust.Backend{
		Name: b.name,
		ClientContext: func(cfg trust.Configuration) (trust.ClientContext, error) {
			c, err := b.newClient(cfg)
			if err != nil {
				return nil, err
			}
			return wrappedClient{c}, nil
		},
		ServerContext: func(cfg trust.Configuration) (trust.ServerContext, error) {
			s, err := b.newServer(cfg)
			if err != nil {
				return nil, err
			}
			return wrappedServer{s}, nil
		},
		Certificates:          b.loadCertificates,
		PrivateKey:            b.loadKey,
		SystemTrustStore:      b.system,
		TrustStoreFromPEMFile: func(path string) (trust.TrustStore, error) { return trust.FromPEMFile(path) },
		Validate:              b.validate,
		Install: func(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
			return b.changeStore(cert, opts, false)
		},
		Uninstall: func(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
			return b.changeStore(cert, opts, true)
		},
		Keys: func(opts trust.KeyListOptions) ([]trust.KeyStore, error) {
			return listKeys(opts, b.osKeyStores)
		},
		Capabilities: b.capabilityReport,
	}
}

// changeStore runs the platform's install or uninstall after the checks
// every platform shares.
func (b *backend) changeStore(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	if cert == nil {
		return nil, errors.New("native: no certificate given to install or uninstall")
	}
	if err := trust.ValidateInstallName(opts.Name); err != nil {
		return nil, err
	}
	if b.install == nil {
		return nil, fmt.Errorf("native: installing a CA on %s: %w: the %s backend knows no trust store it can change (nativetls changes those of Linux, Windows and macOS)",
			runtime.GOOS, trust.ErrUnsupported, b.name)
	}
	return b.install(cert, opts, uninstall)
}

// capabilityReport is Schemes() as capabilities, adjusted by the platform.
func (b *backend) capabilityReport() []trust.Capability {
	var out []trust.Capability
	for _, s := range Schemes() {
		out = append(out, trust.Capability{Name: s.Scheme, Available: s.Available, Note: s.Reason})
	}
	if b.capabilities != nil {
		out = b.capabilities(out)
	}
	return out
}

// portableBackend's system store is crypto/x509's system roots (which
// honour SSL_CERT_FILE and SSL_CERT_DIR on Unix), loaded once per process.
var portableBackend = &backend{
	name: "portable",
	system: sync.OnceValues(func() (trust.TrustStore, error) {
		pool, err := x509.SystemCertPool()
		if err != nil {
			return nil, fmt.Errorf("native: crypto/x509 found no system roots (%w); set SSL_CERT_FILE to a PEM bundle or configure a trust store", err)
		}
		return trust.FromCertPool(pool), nil
	}),
	loadCertificates: trust.LoadCertificates,
	loadKey:          trust.LoadPrivateKey,
}

// Portable returns the portable backend: files and crypto/x509 only. It
// works on every OS and is what Backend returns where no platform backend
// exists.
func Portable() trust.Backend { return portableBackend.public() }

// Backend returns the backend for the running platform.
func Backend() trust.Backend { return platform().public() }

// platform returns the running platform's backend.
func platform() *backend { return platformBackend() }

// writePlan writes a dry-run action to w (nil: nowhere), for the platforms
// whose install adapters plan their own actions.
func writePlan(w io.Writer, a trust.InstallAction) {
	if w != nil {
		fmt.Fprintln(w, a.String())
	}
}
