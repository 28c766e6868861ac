package trust

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// The x509-limbo harness. The vectors are data from outside the project
// (C2SP/x509-limbo, Apache-2.0): they are read from
// ../shared/testdata/x509-limbo/limbo.json next to the module root and never
// copied in. No testcase id is ever special-cased: every outcome comes from
// the verifier, and every deviation is explained from the case's own
// features and the verifier's error.

type limboName struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type limboCase struct {
	ID            string      `json:"id"`
	ConflictsWith []string    `json:"conflicts_with"`
	Features      []string    `json:"features"`
	Description   string      `json:"description"`
	Kind          string      `json:"validation_kind"`
	Trusted       []string    `json:"trusted_certs"`
	Untrusted     []string    `json:"untrusted_intermediates"`
	Peer          string      `json:"peer_certificate"`
	Time          *time.Time  `json:"validation_time"`
	KeyUsage      []string    `json:"key_usage"`
	EKU           []string    `json:"extended_key_usage"`
	Expected      string      `json:"expected_result"`
	PeerName      *limboName  `json:"expected_peer_name"`
	PeerNames     []limboName `json:"expected_peer_names"`
	MaxDepth      *int        `json:"max_chain_depth"`
	CRLs          []string    `json:"crls"`
}

// limboPath finds limbo.json: $NATIVETLS_LIMBO if set, otherwise
// ../shared/testdata/x509-limbo/limbo.json relative to the module root (the
// directory holding go.mod, found from the working directory, which go test
// sets to the package directory, or from this file's path).
func limboPath() (string, error) {
	if p := os.Getenv("NATIVETLS_LIMBO"); p != "" {
		return p, nil
	}
	wd, _ := os.Getwd()
	_, file, _, _ := runtime.Caller(0)
	for _, dir := range []string{wd, filepath.Dir(file)} {
		for d := dir; d != "" && d != "." && filepath.Dir(d) != d; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				return filepath.Join(filepath.Dir(d), "shared", "testdata", "x509-limbo", "limbo.json"), nil
			}
		}
	}
	return "", errors.New("module root (go.mod) not found above " + wd)
}

func loadLimbo(t testing.TB) []limboCase {
	p, err := limboPath()
	if err == nil {
		_, err = os.Stat(p)
	}
	if err != nil {
		t.Skipf("x509-limbo vectors not found (%v): they are not part of this repository; "+
			"generate limbo.json with the C2SP/x509-limbo suite (https://github.com/C2SP/x509-limbo) "+
			"and place it at ../shared/testdata/x509-limbo/limbo.json next to the module root, or point NATIVETLS_LIMBO at it", err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Testcases []limboCase `json:"testcases"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return doc.Testcases
}

func (tc *limboCase) has(prefix string) bool {
	return slices.ContainsFunc(tc.Features, func(f string) bool { return strings.HasPrefix(f, prefix) })
}

// limboInput is a testcase turned into the verifier's inputs.
type limboInput struct {
	store    *AnchorStore
	roots    *x509.CertPool
	chain    []*x509.Certificate
	opts     VerifyOptions
	parseErr error  // a certificate or CRL of the case does not parse
	skip     string // why the case cannot be expressed
}

func parsePEMCert(s string) (*x509.Certificate, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParseCertificate(b.Bytes)
}

func (tc *limboCase) input() limboInput {
	var in limboInput
	var anchors []*x509.Certificate
	in.roots = x509.NewCertPool()
	for _, s := range tc.Trusted {
		c, err := parsePEMCert(s)
		if err != nil {
			in.parseErr = fmt.Errorf("trusted certificate: %w", err)
			continue
		}
		anchors = append(anchors, c)
		in.roots.AddCert(c)
	}
	in.store = FromCertificates("limbo "+tc.ID, anchors...)
	peer, err := parsePEMCert(tc.Peer)
	if err != nil {
		in.parseErr = fmt.Errorf("peer certificate: %w", err)
		return in
	}
	in.chain = []*x509.Certificate{peer}
	for _, s := range tc.Untrusted {
		c, err := parsePEMCert(s)
		if err != nil {
			in.parseErr = fmt.Errorf("intermediate: %w", err)
			continue
		}
		in.chain = append(in.chain, c)
	}
	for _, s := range tc.CRLs {
		b, _ := pem.Decode([]byte(s))
		if b == nil {
			in.parseErr = errors.New("CRL: no PEM block")
			continue
		}
		crl, err := x509.ParseRevocationList(b.Bytes)
		if err != nil {
			in.parseErr = fmt.Errorf("CRL: %w", err)
			continue
		}
		in.opts.CRLs = append(in.opts.CRLs, crl)
	}
	in.opts.DisableFetch = true
	if tc.Time != nil {
		in.opts.Time = *tc.Time
	} else {
		in.opts.Time = time.Now()
	}
	if tc.MaxDepth != nil {
		in.opts.MaxDepth = *tc.MaxDepth
		if *tc.MaxDepth == 0 {
			in.opts.MaxDepth = MaxDepthNoIntermediates
		}
	}
	in.opts.Usage = UsageServerAuth
	if tc.Kind == "CLIENT" {
		in.opts.Usage = UsageClientAuth
	}
	for _, e := range tc.EKU {
		switch e {
		case "serverAuth":
			in.opts.Usage = UsageServerAuth
		case "clientAuth":
			in.opts.Usage = UsageClientAuth
		default:
			in.skip = "extended key usage " + e + " is not a usage the verifier offers"
		}
	}
	if n := tc.PeerName; n != nil {
		switch n.Kind {
		case "DNS", "IP":
			in.opts.ServerName = n.Value
		default:
			in.skip = "peer name kind " + n.Kind + " is not supported for server validation"
		}
	}
	return in
}

// emailNamesPresent is the CLIENT-case identity check: every expected
// RFC 822 name is one of the leaf's e-mail SANs. The project's API has no
// e-mail identity option, so the harness makes this last comparison itself;
// everything else (chain, usage, name constraints) is the verifier's.
func emailNamesPresent(leaf *x509.Certificate, names []limboName) (bool, string) {
	for _, n := range names {
		if n.Kind != "RFC822" {
			return false, "peer name kind " + n.Kind + " is not supported for client validation"
		}
		if !slices.Contains(leaf.EmailAddresses, n.Value) {
			return false, ""
		}
	}
	return true, ""
}

// limboRun is one case's result under one profile.
type limboRun struct {
	tc     *limboCase
	strict bool
	got    string // SUCCESS, FAILURE or SKIP
	err    error
	skip   string
	// For a default-profile accept of a FAILURE case: the strict
	// profile's error on the same case and crypto/x509's own result.
	strictErr error
	x509      string
}

func runLimboCase(tc *limboCase, strict bool) limboRun {
	r := limboRun{tc: tc, strict: strict}
	in := tc.input()
	if in.skip != "" {
		r.got, r.skip = "SKIP", in.skip
		return r
	}
	if in.parseErr != nil {
		r.got, r.err = "FAILURE", in.parseErr
		return r
	}
	in.opts.Strict = strict
	v := &Verifier{}
	_, err := v.Verify(context.Background(), in.store, in.chain, in.opts)
	if err == nil && tc.Kind == "CLIENT" {
		ok, why := emailNamesPresent(in.chain[0], tc.PeerNames)
		if why != "" {
			r.got, r.skip = "SKIP", why
			return r
		}
		if !ok {
			err = errors.New("the client certificate does not carry the expected e-mail identity")
		}
	}
	r.got, r.err = "SUCCESS", err
	if err != nil {
		r.got = "FAILURE"
	}
	if !strict && r.got == "SUCCESS" && tc.Expected == "FAILURE" {
		r.strictErr = runLimboCase(tc, true).err
		r.x509 = runX509Baseline(tc)
	}
	return r
}

// runX509Baseline is crypto/x509 alone on the same inputs.
func runX509Baseline(tc *limboCase) string {
	in := tc.input()
	if in.skip != "" {
		return "SKIP"
	}
	if in.parseErr != nil {
		return "FAILURE"
	}
	inter := x509.NewCertPool()
	for _, c := range in.chain[1:] {
		inter.AddCert(c)
	}
	_, err := in.chain[0].Verify(x509.VerifyOptions{Roots: in.roots, Intermediates: inter, CurrentTime: in.opts.Time,
		DNSName: in.opts.ServerName, KeyUsages: []x509.ExtKeyUsage{in.opts.Usage.ExtKeyUsage()}})
	if err != nil {
		return "FAILURE"
	}
	return "SUCCESS"
}
