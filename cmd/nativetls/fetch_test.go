package main

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
)

// TestVerifyFetch: a leaf whose intermediate is only reachable through its
// AIA caIssuers URL verifies with --fetch, and not when fetching is off
// (--no-fetch, or --roots without --fetch).
func TestVerifyFetch(t *testing.T) {
	o := testpki.Span(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	root := testpki.Root("Fetch Root", o)
	inter := root.Intermediate("Fetch Intermediate", o)
	rootDER, intDER := root.Cert.Raw, inter.Cert.Raw

	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/pkix-cert")
		w.Write(intDER)
	}))
	defer srv.Close()

	o.DNSNames, o.EKUs = []string{"fetch.example.test"}, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	o.AIA = []string{srv.URL + "/int.der"}
	leafDER := inter.Leaf(o).Cert.Raw
	dir := tempDir(t)
	write := func(name string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaf, rootFile := write("leaf.pem", leafDER), write("root.pem", rootDER)
	base := []string{"verify", "--leaf", leaf, "--roots", rootFile, "--host", "fetch.example.test", "--time", "2027-01-01T00:00:00Z"}

	if r := runCLI(t, baseEnv(), base...); r.code != 1 {
		t.Errorf("--roots without --fetch: exit %d, want 1 (no fetching); %s", r.code, r.stdout)
	}
	if r := runCLI(t, baseEnv(), append(base, "--fetch", "--no-fetch")...); r.code != 2 {
		t.Errorf("--fetch --no-fetch: exit %d, want 2", r.code)
	}
	if hits.Load() != 0 {
		t.Errorf("the AIA server was asked %d times with fetching off", hits.Load())
	}
	// The AIA URL names 127.0.0.1: a certificate-supplied URL may not reach
	// loopback or private addresses unless the user allows it.
	if r := runCLI(t, baseEnv(), append(base, "--fetch")...); r.code != 1 || !strings.Contains(r.stderr, "refused to connect to 127.0.0.1") {
		t.Errorf("--fetch to a loopback AIA URL: exit %d, want 1 naming the refusal; %s", r.code, r.stderr)
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback AIA server was asked %d times without --fetch-private", hits.Load())
	}
	if r := runCLI(t, baseEnv(), append(base, "--fetch", "--fetch-private")...); r.code != 0 {
		t.Errorf("--fetch --fetch-private: exit %d, want 0; %s", r.code, r.stderr)
	}
	if hits.Load() == 0 {
		t.Error("--fetch --fetch-private never asked the AIA server")
	}
}
