package native

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/trust"
)

func init() {
	darwinBackend.install = darwinInstall
	darwinBackend.osKeyStores = darwinKeyStores
}

// systemKeychain is the admin domain's keychain.
const systemKeychain = "/Library/Keychains/System.keychain"

// darwinInstall changes the user's store through package darwin (login
// keychain and user trust settings; macOS asks for confirmation) for
// Stores "user" (the default, or ScopeUser), or the admin trust domain
// with security(1) as mkcert does for "system" (ScopeSystem; needs root,
// no dialog, which is what CI runners need). Root, when Keychain is empty,
// names the keychain file (the CLI's --root).
func darwinInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	where := strings.ToLower(strings.Join(opts.Stores, ","))
	if where == "" && opts.Scope == trust.ScopeSystem {
		where = "system"
	}
	switch where {
	case "", "user":
		return darwinUserInstall(cert, opts, uninstall)
	case "system":
		return darwinSystemInstall(cert, opts, uninstall)
	}
	return nil, &trust.ConfigurationError{Backend: "darwin", Field: "install stores",
		Msg: fmt.Sprintf("unknown store %q: on macOS use user (login keychain, user trust settings) or system (admin trust settings, needs sudo)", where)}
}

// darwinUserInstall is package darwin's Install/Uninstall in the user's
// trust-settings domain; Root, when Keychain is empty, names the keychain
// (the CLI's --root).
func darwinUserInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	if opts.Keychain == "" {
		opts.Keychain, opts.Root = opts.Root, ""
	}
	opts.Stores, opts.Scope = nil, trust.ScopeUser
	if uninstall {
		return darwin.Uninstall(cert, opts)
	}
	return darwin.Install(cert, opts)
}

// darwinSystemInstall runs security(1) on the admin trust domain.
func darwinSystemInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) ([]trust.InstallAction, error) {
	dir, err := os.MkdirTemp("", "nativetls-install")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		return nil, err
	}
	sum := sha1.Sum(cert.Raw)
	cmds := [][]string{{"security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", systemKeychain, file}}
	if uninstall {
		cmds = [][]string{
			{"security", "remove-trusted-cert", "-d", file},
			{"security", "delete-certificate", "-Z", strings.ToUpper(hex.EncodeToString(sum[:])), systemKeychain},
		}
	}
	var out []trust.InstallAction
	for _, c := range cmds {
		a := trust.InstallAction{Store: "darwin:admin", Op: "run", Cmd: c}
		out = append(out, a)
		if opts.DryRun {
			writePlan(opts.Stdout, a)
			continue
		}
		var buf bytes.Buffer
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Run(); err != nil {
			return out, fmt.Errorf("native: %s: %v: %s (the admin trust domain needs root: run with sudo)", strings.Join(c, " "), err, strings.TrimSpace(buf.String()))
		}
	}
	return out, nil
}

// darwinKeyStores lists the identities of the default keychain search
// list, each with the mackms: URI that opens it.
func darwinKeyStores() []trust.KeyStore {
	ks := trust.KeyStore{Name: "macOS keychain", Kind: "os-store"}
	ids, err := darwin.ListIdentities("")
	if err != nil {
		ks.Err = err
		return []trust.KeyStore{ks}
	}
	for _, id := range ids {
		kind := "identity"
		if id.SecureEnclave {
			kind = "identity (Secure Enclave)"
		}
		ks.Objects = append(ks.Objects, trust.KeyObject{Type: kind, Label: id.Label, URI: id.URI})
	}
	return []trust.KeyStore{ks}
}
