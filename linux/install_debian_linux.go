package linux

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nativetls/nativetls/trust"
)

// debianLocalDir is where update-ca-certificates picks up local CAs.
const debianLocalDir = "/usr/local/share/ca-certificates"

// debianBundle is the bundle update-ca-certificates writes, relative to the
// root.
const debianBundle = "/etc/ssl/certs/ca-certificates.crt"

// debianActions copies the certificate into (root)/usr/local/share/
// ca-certificates as NAME.crt and runs update-ca-certificates. Removal runs
// it with --fresh so the hashed links of the removed file go too.
func debianActions(cert *x509.Certificate, name, root string, install bool) ([]action, error) {
	const store = "system (debian)"
	dir := filepath.Join(root, debianLocalDir)
	file := filepath.Join(dir, name+".crt")
	cmd := []string{"update-ca-certificates"}
	if root != "" {
		if err := checkDebianRoot(root); err != nil {
			return nil, err
		}
		cmd = append(cmd, debianRootArgs(root)...)
	}
	run := func(args []string) action {
		return action{InstallAction: trust.InstallAction{Store: store, Op: "run", Cmd: args}}
	}
	if !install {
		return []action{
			{InstallAction: trust.InstallAction{Store: store, Op: "remove", Path: file}},
			run(append(cmd, "--fresh")),
		}, nil
	}
	if root != "" {
		// update-ca-certificates creates nothing; give the root its local directory.
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("linux: cannot create %s: %w", dir, err)
		}
	}
	return []action{
		{InstallAction: trust.InstallAction{Store: store, Op: "write", Path: file}, data: certPEM(cert)},
		run(cmd),
	}, nil
}

// debianRootArgs points update-ca-certificates at root with the options
// every version knows (ca-certificates 2011 onwards; --sysroot came only in
// 2024, and older versions answer an unknown option with their usage and
// exit status 0, doing nothing). The hooks directory is root's too, so no
// host hook (Java keystores, Mono) sees the change.
func debianRootArgs(root string) []string {
	return []string{
		"--certsconf", filepath.Join(root, "etc/ca-certificates.conf"),
		"--certsdir", filepath.Join(root, "usr/share/ca-certificates"),
		"--localcertsdir", filepath.Join(root, debianLocalDir),
		"--etccertsdir", filepath.Join(root, "etc/ssl/certs"),
		"--hooksdir", filepath.Join(root, "etc/ca-certificates/update.d"),
	}
}

// checkDebianRoot checks that root has the directories update-ca-certificates
// needs.
func checkDebianRoot(root string) error {
	for _, d := range []string{"etc/ssl/certs", "usr/share/ca-certificates"} {
		if st, err := os.Stat(filepath.Join(root, d)); err != nil || !st.IsDir() {
			return fmt.Errorf("linux: %s is not a Debian-layout root: %s is missing (create it, or leave InstallOptions.Root empty)", root, filepath.Join(root, d))
		}
	}
	return nil
}

// absPath makes an install root absolute: update-ca-certificates changes
// directory before it links, so a relative root would make dangling links.
func absPath(p string) (string, error) {
	a, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("linux: install root %s: %w", p, err)
	}
	return a, nil
}
