package linux

import (
	"crypto/x509"
	"path/filepath"

	"github.com/nativetls/nativetls/trust"
)

// fedoraAnchorDir is where update-ca-trust picks up local anchors.
const fedoraAnchorDir = "/etc/pki/ca-trust/source/anchors"

// fedoraActions copies the certificate into the anchors directory and runs
// update-ca-trust extract (or removes it and re-extracts).
func fedoraActions(cert *x509.Certificate, name string, install bool) []action {
	const store = "system (fedora)"
	file := filepath.Join(fedoraAnchorDir, name+".pem")
	first := action{InstallAction: trust.InstallAction{Store: store, Op: "write", Path: file}, data: certPEM(cert)}
	if !install {
		first = action{InstallAction: trust.InstallAction{Store: store, Op: "remove", Path: file}}
	}
	return []action{first, {InstallAction: trust.InstallAction{Store: store, Op: "run", Cmd: []string{"update-ca-trust", "extract"}}}}
}
