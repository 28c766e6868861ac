package main

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

// systemKeychain is the admin domain's keychain.
const systemKeychain = "/Library/Keychains/System.keychain"

// platformInstall changes the user's store through package darwin (login
// keychain and user trust settings; macOS asks for confirmation) or, for
// --store system, the admin trust domain with security(1) as mkcert does
// (run it with sudo; no dialog, which is what CI runners need).
func platformInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	switch o.store {
	case "user":
		return darwinUserInstall(cert, o, uninstall)
	case "system":
		return darwinSystemInstall(cert, o, uninstall)
	}
	return nil, usagef("--store %q: on macOS use user (login keychain, user trust settings) or system (admin trust settings, needs sudo)", o.store)
}

func darwinUserInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
	opts := trust.InstallOptions{Scope: trust.ScopeUser, Keychain: o.root, DryRun: o.dryRun}
	f := darwin.Install
	if uninstall {
		f = darwin.Uninstall
	}
	actions, err := f(cert, opts)
	out := make([]actionJSON, 0, len(actions))
	for _, a := range actions {
		out = append(out, actionJSON{Store: "darwin:" + a.Store, Op: a.Op, Text: "[darwin] " + a.String()})
	}
	return out, err
}

func darwinSystemInstall(cert *x509.Certificate, o installOpts, uninstall bool) ([]actionJSON, error) {
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
	var out []actionJSON
	for _, c := range cmds {
		out = append(out, actionJSON{Store: "darwin:admin", Op: "run", Cmd: c, Text: "[darwin admin] " + strings.Join(c, " ")})
		if o.dryRun {
			continue
		}
		var buf bytes.Buffer
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Run(); err != nil {
			return out, fmt.Errorf("%s: %v: %s (the admin trust domain needs root: run with sudo)", strings.Join(c, " "), err, strings.TrimSpace(buf.String()))
		}
	}
	return out, nil
}
