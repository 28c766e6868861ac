package linux

import (
	"os"
	"strings"
)

// Environment variables honoured as Go's crypto/x509 and OpenSSL honour them.
const (
	// envCertFile names a bundle file that replaces defaultCertFiles.
	envCertFile = "SSL_CERT_FILE"
	// envCertDir is a colon-separated list of directories that replaces
	// defaultCertDirs.
	envCertDir = "SSL_CERT_DIR"
)

// defaultCertFiles are the CA bundle files probed, in order; only the first
// one that exists is read. The list starts with Go's (crypto/x509
// root_linux.go) in Go's order, so the same file wins, and adds OpenSSL's
// default cert.pem locations and Arch's extracted bundle.
var defaultCertFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",                // Debian/Ubuntu/Gentoo/Arch
	"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora/RHEL 6
	"/etc/ssl/ca-bundle.pem",                            // openSUSE
	"/etc/pki/tls/cacert.pem",                           // OpenELEC
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS/RHEL 7+
	"/etc/ssl/cert.pem",                                 // Alpine, OpenSSL default on Arch/openSUSE
	"/etc/pki/tls/cert.pem",                             // OpenSSL default on Fedora/RHEL
	"/usr/lib/ssl/cert.pem",                             // OpenSSL default on Debian/Ubuntu
	"/etc/ca-certificates/extracted/tls-ca-bundle.pem",  // Arch (p11-kit extract)
}

// defaultCertDirs are the certificate directories read (all of them), as
// in Go's crypto/x509.
var defaultCertDirs = []string{
	"/etc/ssl/certs",     // SLES, Debian hashed directory
	"/etc/pki/tls/certs", // Fedora/RHEL
}

// bundlePlan is what the bundle source will read and why.
type bundlePlan struct {
	files     []string
	filesFrom string // "default", "SSL_CERT_FILE" or "Options.CertFiles"
	dirs      []string
	dirsFrom  string // "default", "SSL_CERT_DIR" or "Options.CertDirs"
	// envOverride names the environment variables that replace the
	// system sources ("" when none is set).
	envOverride string
}

// explicit reports whether the bundle lists were chosen by the caller or
// the environment rather than defaulted.
func (p bundlePlan) explicit() bool { return p.filesFrom != "default" || p.dirsFrom != "default" }

// planBundles decides which files and directories to read, with Go's
// precedence: SSL_CERT_FILE replaces the file list, SSL_CERT_DIR the
// directory list (split on ':'); an empty variable counts as unset.
// Options.CertFiles / CertDirs, when non-nil, win over both.
func planBundles(opts *Options) bundlePlan {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	p := bundlePlan{files: defaultCertFiles, filesFrom: "default", dirs: defaultCertDirs, dirsFrom: "default"}
	var env []string
	if f := getenv(envCertFile); f != "" {
		p.files, p.filesFrom = []string{f}, envCertFile
		env = append(env, envCertFile)
	}
	if d := getenv(envCertDir); d != "" {
		p.dirs, p.dirsFrom = splitDirs(d), envCertDir
		env = append(env, envCertDir)
	}
	if opts.CertFiles != nil {
		p.files, p.filesFrom = opts.CertFiles, "Options.CertFiles"
	}
	if opts.CertDirs != nil {
		p.dirs, p.dirsFrom = opts.CertDirs, "Options.CertDirs"
	}
	p.envOverride = strings.Join(env, " and ")
	return p
}

// splitDirs splits an SSL_CERT_DIR value on ':' as OpenSSL, BoringSSL and
// Go do, dropping empty elements.
func splitDirs(v string) []string {
	var out []string
	for _, d := range strings.Split(v, ":") {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}
