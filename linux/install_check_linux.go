package linux

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// NotInstalledError reports a store that, read back after Install (or
// Uninstall) with the loader the trust store uses, does not show the
// certificate as trusted (or still does): the tool reported success
// without doing the work. It wraps trust.ErrNotInstalled.
type NotInstalledError struct {
	Store     string               // e.g. "system (debian)", "nss:sql:/home/u/.pki/nssdb"
	Subject   string               // the certificate's subject
	Uninstall bool                 // true when the certificate is still trusted after Uninstall
	Where     string               // the source still trusting it (Uninstall)
	Looked    []trust.SourceReport // the sources read back
}

func (e *NotInstalledError) Error() string {
	if e.Uninstall {
		return fmt.Sprintf("linux: %s: %s is still trusted after the removal, by %s (read back from: %s); remove it there, or check that it was installed under the same name",
			e.Store, e.Subject, e.Where, describeSources(e.Looked))
	}
	return fmt.Sprintf("linux: %s: %s is not trusted by the store read back after the change (read back from: %s); the tool reported success without installing it: run it by hand with its verbose option and check its options",
		e.Store, e.Subject, describeSources(e.Looked))
}

// Unwrap returns trust.ErrNotInstalled.
func (e *NotInstalledError) Unwrap() error { return trust.ErrNotInstalled }

// readBack loads the sources lo selects with the trust store's own loader
// and returns the source trusting cert ("" if none) and the reports.
func readBack(cert *x509.Certificate, lo Options) (string, []trust.SourceReport) {
	anchors, reports, _ := loadSources(&lo)
	for _, a := range anchors {
		if !a.Distrusted && bytes.Equal(a.Certificate.Raw, cert.Raw) {
			return a.Source, reports
		}
	}
	return "", reports
}

// verdict turns a read-back into the "check" action and, when the store
// does not show the expected state, a *NotInstalledError.
func verdict(cert *x509.Certificate, store, where string, reports []trust.SourceReport, install bool) (action, error) {
	chk := action{InstallAction: trust.InstallAction{Store: store, Op: "check"}}
	switch {
	case install && where != "":
		chk.Detail = "read back: trusted, from " + where
	case !install && where == "":
		chk.Detail = "read back: no longer trusted (" + describeSources(reports) + ")"
	default:
		return chk, &NotInstalledError{Store: store, Subject: cert.Subject.String(), Uninstall: !install, Where: where, Looked: reports}
	}
	return chk, nil
}

// checkSystem reads the system store (or the root's bundle and directory)
// back.
func checkSystem(cert *x509.Certificate, p *installPlan, install bool) (action, error) {
	lo := Options{Getenv: func(string) string { return "" }} // the system's sources, whatever the environment says
	if p.root != "" {
		lo = Options{Getenv: lo.Getenv, DisableP11Kit: true,
			CertFiles: []string{filepath.Join(p.root, debianBundle)},
			CertDirs:  []string{filepath.Join(p.root, "etc/ssl/certs")}}
	}
	where, reports := readBack(cert, lo)
	return verdict(cert, "system ("+p.method+")", where, reports, install)
}

// checkNSS reads the database back through NSS's softoken, as the trust
// store does; when the softoken cannot be loaded, it asks certutil.
func checkNSS(cert *x509.Certificate, name, db string, install bool) (action, error) {
	store := "nss:sql:" + db
	lo := Options{Getenv: func(string) string { return "" }, CertFiles: []string{}, CertDirs: []string{},
		DisableP11Kit: true, IncludeNSS: true, NSSDatabases: []string{db}}
	where, reports := readBack(cert, lo)
	for _, r := range reports {
		if r.Name == "nss" && r.Skipped != "" {
			where, reports = certutilReadBack(cert, name, db)
			break
		}
	}
	return verdict(cert, store, where, reports, install)
}

// certutilReadBack lists the nickname with certutil (builds without cgo
// cannot load NSS): the certificate counts as there when certutil prints
// it with the trusted-CA flag.
func certutilReadBack(cert *x509.Certificate, name, db string) (string, []trust.SourceReport) {
	rep := trust.SourceReport{Name: "certutil", Path: "sql:" + db}
	out, err := exec.Command("certutil", "-L", "-d", "sql:"+db, "-n", name, "-a").Output()
	if err != nil {
		rep.Err = fmt.Errorf("linux: certutil -L -n %s: %v", name, err)
		return "", []trust.SourceReport{rep}
	}
	for rest := out; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if bytes.Equal(b.Bytes, cert.Raw) && nssTrustedCA(name, db) {
			rep.Anchors = 1
			return "certutil sql:" + db, []trust.SourceReport{rep}
		}
	}
	return "", []trust.SourceReport{rep}
}

// nssTrustedCA reports whether certutil -L lists name with the SSL trust
// flag C.
func nssTrustedCA(name, db string) bool {
	out, err := exec.Command("certutil", "-L", "-d", "sql:"+db).Output()
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.TrimSpace(strings.TrimSuffix(line, f[len(f)-1])) == name {
			return strings.Contains(strings.Split(f[len(f)-1], ",")[0], "C")
		}
	}
	return false
}
