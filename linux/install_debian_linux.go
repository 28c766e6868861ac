package linux

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// debianLocalDir is where update-ca-certificates picks up local CAs.
const debianLocalDir = "/usr/local/share/ca-certificates"

// debianActions copies the certificate into (root)/usr/local/share/
// ca-certificates as NAME.crt and runs update-ca-certificates, with
// --sysroot when root is set. Removal runs it with --fresh so the hashed
// links of the removed file go too.
func debianActions(cert *x509.Certificate, name, root string, install bool) ([]Action, error) {
	const store = "system (debian)"
	dir := filepath.Join(root, debianLocalDir)
	file := filepath.Join(dir, name+".crt")
	cmd := []string{"update-ca-certificates"}
	if root != "" {
		if err := checkDebianRoot(root); err != nil {
			return nil, err
		}
		cmd = append(cmd, "--sysroot", root)
	}
	if !install {
		return []Action{
			{Store: store, Op: "remove", Path: file},
			{Store: store, Op: "run", Cmd: append(cmd, "--fresh")},
		}, nil
	}
	if root != "" {
		// update-ca-certificates creates nothing; give the root its local directory.
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("linux: cannot create %s: %w", dir, err)
		}
	}
	return []Action{
		{Store: store, Op: "write", Path: file, data: certPEM(cert)},
		{Store: store, Op: "run", Cmd: cmd},
	}, nil
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
