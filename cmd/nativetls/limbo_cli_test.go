package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
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
// holds the CLI to the library's results: no accepted FAILURE case outside
// those marked pedantic-* (none at all with --strict), and no more rejected
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
		case got == "SUCCESS" && (strict || !pedantic):
			t.Errorf("%s: FALSE ACCEPT through the CLI (expected %s)", tc.ID, tc.Expected)
			accepted = append(accepted, tc.ID)
		case got == "SUCCESS":
			accepted = append(accepted, tc.ID+" (pedantic)")
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
