package linux

import (
	"crypto/x509"
	"path/filepath"
)

// fedoraAnchorDir is where update-ca-trust picks up local anchors.
const fedoraAnchorDir = "/etc/pki/ca-trust/source/anchors"

// fedoraActions copies the certificate into the anchors directory and runs
// update-ca-trust extract (or removes it and re-extracts).
func fedoraActions(cert *x509.Certificate, name string, install bool) []Action {
	const store = "system (fedora)"
	file := filepath.Join(fedoraAnchorDir, name+".pem")
	first := Action{Store: store, Op: "write", Path: file, data: certPEM(cert)}
	if !install {
		first = Action{Store: store, Op: "remove", Path: file}
	}
	return []Action{first, {Store: store, Op: "run", Cmd: []string{"update-ca-trust", "extract"}}}
}
