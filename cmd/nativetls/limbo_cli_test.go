package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cliLimboCase is the part of an x509-limbo testcase the CLI can express.
type cliLimboCase struct {
	ID            string                        `json:"id"`
	Features      []string                      `json:"features"`
	Kind          string                        `json:"validation_kind"`
	Trusted       []string                      `json:"trusted_certs"`
	Untrusted     []string                      `json:"untrusted_intermediates"`
	Peer          string                        `json:"peer_certificate"`
	Time          *string                       `json:"validation_time"`
	EKU           []string                      `json:"extended_key_usage"`
	Expected      string                        `json:"expected_result"`
	PeerName      *struct{ Kind, Value string } `json:"expected_peer_name"`
	MaxChainDepth *int                          `json:"max_chain_depth"`
	CRLs          []string                      `json:"crls"`
	ConflictsWith []string                      `json:"conflicts_with"`
}

// cliLimboPath finds the x509-limbo vectors as trust's harness does:
// $NATIVETLS_LIMBO, or ../shared/testdata/x509-limbo/limbo.json next to
// the module root.
func cliLimboPath() string {
	if p := os.Getenv("NATIVETLS_LIMBO"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	wd, _ := os.Getwd()
	for _, dir := range []string{wd, filepath.Dir(file)} {
		for d := dir; filepath.Dir(d) != d; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				return filepath.Join(filepath.Dir(d), "shared", "testdata", "x509-limbo", "limbo.json")
			}
		}
	}
	return ""
}

// TestLimboThroughCLI drives every SERVER testcase of x509-limbo through
// `nativetls verify` (the flags scripts and conformance checks use) and
// holds the CLI to the library's results: with --strict no accepted FAILURE
// case at all; in the default (relying-party) profile an accepted FAILURE
// case must be marked pedantic-* or conflicting, or be an issuance rule:
// crypto/x509 accepts it too and --strict rejects it. And no more rejected
// SUCCESS cases than crypto/x509 alone (5).
func TestLimboThroughCLI(t *testing.T) {
	for _, strict := range []bool{false, true} {
		name := "default"
		if strict {
			name = "strict"
		}
		t.Run(name, func(t *testing.T) { limboThroughCLI(t, strict) })
	}
}

func limboThroughCLI(t *testing.T, strict bool) {
	p := cliLimboPath()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("x509-limbo vectors not found (%v); point NATIVETLS_LIMBO at limbo.json (see trust/limbo_test.go)", err)
	}
	var suite struct {
		Testcases []cliLimboCase `json:"testcases"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	dir := tempDir(t)
	var accepted, rejected []string
	ran := 0
	for i, tc := range suite.Testcases {
		if tc.Kind != "SERVER" {
			continue
		}
		ran++
		write := func(name string, pems []string) string {
			f := filepath.Join(dir, strconv.Itoa(i)+"-"+name)
			if err := os.WriteFile(f, []byte(strings.Join(pems, "\n")), 0o600); err != nil {
				t.Fatal(err)
			}
			return f
		}
		args := []string{"verify", "--leaf", write("leaf.pem", []string{tc.Peer}), "--roots", write("roots.pem", tc.Trusted)}
		if len(tc.Untrusted) > 0 {
			args = append(args, "--intermediates", write("inter.pem", tc.Untrusted))
		}
		if tc.PeerName != nil {
			args = append(args, "--host", tc.PeerName.Value)
		}
		if tc.Time != nil {
			args = append(args, "--time", strings.Replace(*tc.Time, "+00:00", "Z", 1))
		}
		if len(tc.EKU) == 1 && tc.EKU[0] == "clientAuth" {
			args = append(args, "--usage", "clientAuth")
		}
		if tc.MaxChainDepth != nil {
			args = append(args, "--max-depth", strconv.Itoa(*tc.MaxChainDepth))
		}
		for j, c := range tc.CRLs {
			args = append(args, "--crl", write("crl"+strconv.Itoa(j)+".pem", []string{c}))
		}
		if strict {
			args = append(args, "--strict")
		}
		r := runCLI(t, baseEnv(), args...)
		issuanceRule := func() bool {
			return x509Accepts(t, tc) && runCLI(t, baseEnv(), append(args, "--strict")...).code == 1
		}
		if r.code == 2 {
			t.Errorf("%s: exit 2 (input error) for a testcase: %s", tc.ID, r.stderr)
			continue
		}
		got := map[int]string{0: "SUCCESS", 1: "FAILURE"}[r.code]
		pedantic := false
		for _, f := range tc.Features {
			pedantic = pedantic || strings.HasPrefix(f, "pedantic-")
		}
		switch {
		case got == tc.Expected:
		case got == "SUCCESS" && !strict && pedantic:
			accepted = append(accepted, tc.ID+" (pedantic)")
		case got == "SUCCESS" && !strict && len(tc.ConflictsWith) > 0:
			accepted = append(accepted, tc.ID+" (conflicting)")
		case got == "SUCCESS" && !strict && issuanceRule():
			accepted = append(accepted, tc.ID+" (issuance rule)")
		case got == "SUCCESS":
			t.Errorf("%s: FALSE ACCEPT through the CLI (expected %s)", tc.ID, tc.Expected)
			accepted = append(accepted, tc.ID)
		default:
			rejected = append(rejected, tc.ID)
		}
	}
	t.Logf("limbo through the CLI: %d SERVER cases, %d FAILURE cases accepted (%v), %d SUCCESS cases rejected (%v)",
		ran, len(accepted), accepted, len(rejected), rejected)
	if len(rejected) > 5 {
		t.Errorf("%d SUCCESS cases rejected, more than crypto/x509's 5: %v", len(rejected), rejected)
	}
}

// x509Accepts reports whether crypto/x509 alone accepts the testcase.
func x509Accepts(t *testing.T, tc cliLimboCase) bool {
	parse := func(s string) *x509.Certificate {
		b, _ := pem.Decode([]byte(s))
		if b == nil {
			return nil
		}
		c, _ := x509.ParseCertificate(b.Bytes)
		return c
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, s := range tc.Trusted {
		if c := parse(s); c != nil {
			roots.AddCert(c)
		}
	}
	for _, s := range tc.Untrusted {
		if c := parse(s); c != nil {
			inter.AddCert(c)
		}
	}
	leaf := parse(tc.Peer)
	if leaf == nil {
		return false
	}
	o := x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if len(tc.EKU) == 1 && tc.EKU[0] == "clientAuth" {
		o.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	if tc.PeerName != nil {
		o.DNSName = tc.PeerName.Value
	}
	if tc.Time != nil {
		tm, err := time.Parse(time.RFC3339, *tc.Time)
		if err != nil {
			t.Fatalf("%s: validation time %q: %v", tc.ID, *tc.Time, err)
		}
		o.CurrentTime = tm
	}
	_, err := leaf.Verify(o)
	return err == nil
}
