package linux

import (
	"context"
	"crypto/x509"
	"reflect"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestPlanBundlesPrecedence(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name      string
		opts      Options
		files     []string
		dirs      []string
		override  string
		filesFrom string
	}{
		{"defaults", Options{Getenv: env(nil)}, defaultCertFiles, defaultCertDirs, "", "default"},
		{"SSL_CERT_FILE replaces only the files", Options{Getenv: env(map[string]string{envCertFile: "/x.pem"})},
			[]string{"/x.pem"}, defaultCertDirs, "SSL_CERT_FILE", envCertFile},
		{"SSL_CERT_DIR is colon-separated", Options{Getenv: env(map[string]string{envCertDir: "/a::/b"})},
			defaultCertFiles, []string{"/a", "/b"}, "SSL_CERT_DIR", "default"},
		{"both", Options{Getenv: env(map[string]string{envCertFile: "/x.pem", envCertDir: "/a"})},
			[]string{"/x.pem"}, []string{"/a"}, "SSL_CERT_FILE and SSL_CERT_DIR", envCertFile},
		{"empty variables count as unset", Options{Getenv: env(map[string]string{envCertFile: "", envCertDir: ""})},
			defaultCertFiles, defaultCertDirs, "", "default"},
		{"options win over the environment", Options{Getenv: env(map[string]string{envCertFile: "/x.pem"}), CertFiles: []string{"/o.pem"}},
			[]string{"/o.pem"}, defaultCertDirs, "SSL_CERT_FILE", "Options.CertFiles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planBundles(&tt.opts)
			if !reflect.DeepEqual(p.files, tt.files) || !reflect.DeepEqual(p.dirs, tt.dirs) ||
				p.envOverride != tt.override || p.filesFrom != tt.filesFrom {
				t.Fatalf("plan = %+v", p)
			}
		})
	}
	// Go's own order first, so the same bundle wins.
	if defaultCertFiles[0] != "/etc/ssl/certs/ca-certificates.crt" || defaultCertFiles[4] != "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem" {
		t.Fatal("defaultCertFiles must start with Go's list, in Go's order")
	}
}

func TestZeroStoreTrustsNothing(t *testing.T) {
	var s Store
	if _, err := s.Verify(context.Background(), []*x509.Certificate{newCert(t, "x", true, nil).cert}, trust.VerifyOptions{}); err == nil {
		t.Fatal("zero Store verified a chain")
	}
	if s.Generation() != 0 || s.Sources() != nil || s.IsDistrusted(newCert(t, "y", true, nil).cert) {
		t.Fatal("zero Store reports content")
	}
}
