package windows

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// installedPKI returns a PKI whose root TestMain installed into CurrentUser
// ROOT before the first chain was built. (Wine's default chain engine reads
// the ROOT store once, when it is first used, and does not see later
// additions; Windows resyncs. Installing up front keeps the tests about the
// verifier, not about that difference.)
func installedPKI(t *testing.T, name string) *testPKI {
	t.Helper()
	requireScratchStores(t)
	p, ok := installed[name]
	if !ok {
		t.Fatalf("fixture %q is not in installedNames", name)
	}
	if installErr != nil {
		t.Fatalf("TestMain could not install the test roots: %v", installErr)
	}
	return p
}

var installedNames = []string{"nativetls Verify Test", "nativetls HardFail Test", "nativetls Disallowed Test", "nativetls System Test", "nativetls Anchors Test", "nativetls TLS Test"}

var (
	installed  = map[string]*testPKI{}
	installErr error
)

// testLoc is where TestMain installed the test roots (scratchLocation).
var testLoc Location

func TestMain(m *testing.M) {
	loc, why := scratchLocation()
	if why == "" {
		testLoc = loc
		for _, n := range installedNames {
			p := newPKI(panicker{}, n, testHost)
			installed[n] = p
			if err := installIn(loc, StoreRoot, p.root); err != nil {
				installErr = err
			}
		}
	}
	code := m.Run()
	for _, p := range installed {
		if err := uninstallFrom(testLoc, StoreRoot, p.root); err != nil && installErr == nil {
			fmt.Fprintf(os.Stderr, "cleanup: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func wantReason(t *testing.T, err error, want trust.Reason) *trust.VerificationError {
	t.Helper()
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("got error %v (%T), want a *trust.VerificationError with reason %v", err, err, want)
	}
	if ve.Reason != want {
		t.Fatalf("reason %v, want %v: %v", ve.Reason, want, ve)
	}
	t.Logf("%s: %v", want, ve)
	return ve
}

func TestSystemVerify(t *testing.T) {
	p := installedPKI(t, "nativetls Verify Test")
	other := newPKI(t, "nativetls Unknown", testHost)
	store, err := System()
	if err != nil {
		t.Fatal(err)
	}
	serverOnly := leafTemplate(testHost, testHost)
	serverOnly.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	k := ecKey()
	serverLeaf := mkCert(t, serverOnly, p.inter, k.Public(), p.interKey)
	ipTmpl := leafTemplate("127.0.0.1")
	ipTmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	ipLeaf := mkCert(t, ipTmpl, p.inter, k.Public(), p.interKey)
	// A leaf with both a DNS and an IP subjectAltName: Wine's SSL policy
	// accepted any DNS name for such a leaf; Verify must not.
	bothTmpl := leafTemplate(testHost, testHost)
	bothTmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	bothLeaf := mkCert(t, bothTmpl, p.inter, k.Public(), p.interKey)
	badLeaf, badInter := tamperSignature(t, p.leaf), tamperSignature(t, p.inter)
	// An intermediate restricted to clientAuth: Wine's chain engine ignored
	// issuer EKUs and accepted its server leaves (checkIssuerUsage).
	clientCAT := caTemplate("nativetls Verify Test clientAuth CA")
	clientCAT.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	clientCAKey := ecKey()
	clientCA := mkCert(t, clientCAT, p.root, clientCAKey.Public(), p.rootKey)
	underClientCA := mkCert(t, leafTemplate(testHost, testHost), clientCA, k.Public(), clientCAKey)
	opts := trust.VerifyOptions{ServerName: testHost, Time: verifyTime, Revocation: trust.RevocationOff}
	rows := []struct {
		name  string
		chain []*x509.Certificate
		edit  func(o *trust.VerifyOptions)
		want  trust.Reason // ReasonUnknown: must pass
	}{
		{"good", []*x509.Certificate{p.leaf, p.inter}, nil, trust.ReasonUnknown},
		{"good/soft-fail", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.Revocation = trust.RevocationSoftFail }, trust.ReasonUnknown},
		{"good/no-fetch", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.DisableFetch = true }, trust.ReasonUnknown},
		{"good/client", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.Usage, o.ServerName = trust.UsageClientAuth, "" }, trust.ReasonUnknown},
		{"good/trailing-dot", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = testHost + "." }, trust.ReasonUnknown},
		{"good/no-name", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = "" }, trust.ReasonUnknown},
		{"wrong-host", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = "other.nativetls.example" }, trust.ReasonHostnameMismatch},
		{"expired", []*x509.Certificate{p.expired, p.inter}, nil, trust.ReasonExpired},
		{"unknown-root", []*x509.Certificate{other.leaf, other.inter}, nil, trust.ReasonUnknownAuthority},
		{"missing-intermediate", []*x509.Certificate{p.leaf}, nil, trust.ReasonMissingIntermediate},
		{"server-only-leaf/client", []*x509.Certificate{serverLeaf, p.inter}, func(o *trust.VerifyOptions) { o.Usage, o.ServerName = trust.UsageClientAuth, "" }, trust.ReasonWrongUsage},
		{"ip-address", []*x509.Certificate{ipLeaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = "127.0.0.1" }, trust.ReasonUnknown},
		{"ip-address/wrong", []*x509.Certificate{ipLeaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = "127.0.0.2" }, trust.ReasonHostnameMismatch},
		{"dns-and-ip/dns", []*x509.Certificate{bothLeaf, p.inter}, nil, trust.ReasonUnknown},
		{"dns-and-ip/ip", []*x509.Certificate{bothLeaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = "127.0.0.1" }, trust.ReasonUnknown},
		{"dns-and-ip/wrong-dns", []*x509.Certificate{bothLeaf, p.inter}, func(o *trust.VerifyOptions) { o.ServerName = "nope.nativetls.example" }, trust.ReasonHostnameMismatch},
		{"bad-signature/leaf", []*x509.Certificate{badLeaf, p.inter}, nil, trust.ReasonBadSignature},
		{"bad-signature/intermediate", []*x509.Certificate{p.leaf, badInter}, nil, trust.ReasonBadSignature},
		{"client-only-ca/server", []*x509.Certificate{underClientCA, clientCA}, nil, trust.ReasonWrongUsage},
		{"client-only-ca/client", []*x509.Certificate{underClientCA, clientCA}, func(o *trust.VerifyOptions) { o.Usage, o.ServerName = trust.UsageClientAuth, "" }, trust.ReasonUnknown},
		{"max-depth", []*x509.Certificate{p.leaf, p.inter}, func(o *trust.VerifyOptions) { o.MaxDepth = 1 }, trust.ReasonUnknown},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			o := opts
			if r.edit != nil {
				r.edit(&o)
			}
			chains, err := store.Verify(context.Background(), r.chain, o)
			if r.want != trust.ReasonUnknown {
				ve := wantReason(t, err, r.want)
				if ve.PlatformCodeName == "" {
					t.Errorf("no platform code kept: %+v", ve)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if len(chains) != 1 || len(chains[0]) != 3 || !chains[0][2].Equal(p.root) || chains[0][0] != r.chain[0] {
				t.Fatalf("verified chain %v, want leaf, intermediate, root", chains)
			}
		})
	}
}

func TestVerifyHardFailWithoutRevocationInfo(t *testing.T) {
	p := installedPKI(t, "nativetls HardFail Test")
	store, _ := System()
	opts := trust.VerifyOptions{ServerName: testHost, Time: verifyTime, Revocation: trust.RevocationHardFail, DisableFetch: true}
	_, err := store.Verify(context.Background(), []*x509.Certificate{p.leaf, p.inter}, opts)
	if err == nil {
		t.Fatal("hard-fail revocation passed a chain without any revocation information")
	}
	wantReason(t, err, trust.ReasonRevocationUnknown)
}

func TestDisallowedWins(t *testing.T) {
	p := installedPKI(t, "nativetls Disallowed Test")
	store, _ := System()
	opts := trust.VerifyOptions{ServerName: testHost, Time: verifyTime, Revocation: trust.RevocationOff}
	chain := []*x509.Certificate{p.leaf, p.inter}
	if _, err := store.Verify(context.Background(), chain, opts); err != nil {
		t.Fatalf("before Distrust: %v", err)
	}
	if err := installIn(testLoc, StoreDisallowed, p.inter); err != nil {
		t.Fatal(err)
	}
	_, err := store.Verify(context.Background(), chain, opts)
	ve := wantReason(t, err, trust.ReasonDistrusted)
	if !ve.Certificate.Equal(p.inter) || ve.Depth != 1 {
		t.Errorf("distrust blamed %v at depth %d, want the intermediate at depth 1", ve.Certificate.Subject, ve.Depth)
	}
	anchors, err := store.(*Store).Anchors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !hasAnchor(anchors, p.inter, Source(testLoc, StoreDisallowed), true) {
		t.Errorf("Anchors does not list the distrusted intermediate as %s", Source(testLoc, StoreDisallowed))
	}
	if err := uninstallFrom(testLoc, StoreDisallowed, p.inter); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Verify(context.Background(), chain, opts); err != nil {
		t.Fatalf("after Undistrust: %v", err)
	}
}

func TestWithRoots(t *testing.T) {
	requireScratchStores(t)
	p := installedPKI(t, "nativetls System Test")
	extra := newPKI(t, "nativetls Extra Root", testHost)
	opts := trust.VerifyOptions{ServerName: testHost, Time: verifyTime, Revocation: trust.RevocationOff}
	sys, _ := System()
	_, err := sys.Verify(context.Background(), []*x509.Certificate{extra.leaf, extra.inter}, opts)
	wantReason(t, err, trust.ReasonUnknownAuthority)

	ts, err := WithRoots(extra.root)
	if err != nil {
		t.Fatalf("WithRoots: %v", err)
	}
	s := ts.(*Store)
	defer s.Close()
	for name, pk := range map[string]*testPKI{"extra": extra, "system": p} {
		chains, err := ts.Verify(context.Background(), []*x509.Certificate{pk.leaf, pk.inter}, opts)
		if err != nil {
			t.Fatalf("%s root through WithRoots: %v", name, err)
		}
		if top := chains[0][len(chains[0])-1]; !top.Equal(pk.root) {
			t.Errorf("%s: chain ends at %v", name, top.Subject)
		}
	}
	o := opts
	o.ServerName = "wrong.nativetls.example"
	_, err = ts.Verify(context.Background(), []*x509.Certificate{extra.leaf, extra.inter}, o)
	wantReason(t, err, trust.ReasonHostnameMismatch)
	if err := installIn(testLoc, StoreDisallowed, extra.inter); err != nil {
		t.Fatal(err)
	}
	_, err = ts.Verify(context.Background(), []*x509.Certificate{extra.leaf, extra.inter}, opts)
	wantReason(t, err, trust.ReasonDistrusted)
	if err := uninstallFrom(testLoc, StoreDisallowed, extra.inter); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Verify(context.Background(), []*x509.Certificate{extra.leaf, extra.inter}, opts); err == nil {
		t.Error("Verify after Close succeeded")
	}
}

func hasAnchor(anchors []trust.Anchor, c *x509.Certificate, source string, distrusted bool) bool {
	for _, a := range anchors {
		if a.Certificate.Equal(c) && a.Source == source && a.Distrusted == distrusted {
			return true
		}
	}
	return false
}

func TestAnchorsAndSources(t *testing.T) {
	p := installedPKI(t, "nativetls Anchors Test")
	store, _ := System()
	anchors, err := store.(*Store).Anchors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !hasAnchor(anchors, p.root, Source(testLoc, StoreRoot), false) {
		t.Fatalf("the installed test root is not among the %d anchors as %s", len(anchors), Source(testLoc, StoreRoot))
	}
	t.Logf("%d anchors", len(anchors))
	reports := store.(*Store).Sources()
	if len(reports) != len(anchorStores) {
		t.Fatalf("%d source reports, want %d", len(reports), len(anchorStores))
	}
	for _, r := range reports {
		t.Logf("source %s: %d anchors, %d distrusted, err %v", r.Name, r.Anchors, r.Distrusted, r.Err)
	}
	found, err := FindCertificates("capi:store-location=" + testLoc.String() + ";store=Root;cn=" + p.root.Subject.CommonName)
	if err != nil || len(found) != 1 || !found[0].Equal(p.root) {
		t.Fatalf("FindCertificates: %v, %v", found, err)
	}
	if _, err := FindCertificates("capi:store=Root;cn=no such root"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindCertificates of a missing certificate: %v", err)
	}
	if _, err := intermediates(context.Background()); err != nil {
		t.Logf("Intermediates: %v", err)
	}
}

func TestInstallUninstall(t *testing.T) {
	loc := requireScratchStores(t)
	p := newPKI(t, "nativetls Install Test", testHost)
	opts := trust.InstallOptions{Scope: scopeOf(loc), Name: "nativetls-install-test"}
	in := func() bool {
		ok, err := inSystemStore(p.root, loc, StoreRoot)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if in() {
		t.Fatal("root present before Install")
	}
	dry := opts
	dry.DryRun = true
	var out bytes.Buffer
	dry.Stdout = &out
	acts, err := Install(p.root, dry)
	if err != nil || len(acts) != 1 || acts[0].Op != "add" || acts[0].Store != loc.String()+`\ROOT` || in() {
		t.Fatalf("dry run: %v, %v; present afterwards: %v", acts, err, in())
	}
	t.Log(out.String())
	for i := 0; i < 2; i++ { // installing twice is not an error
		if _, err := Install(p.root, opts); err != nil {
			t.Fatal(err)
		}
	}
	if !in() {
		t.Fatal("root missing after Install")
	}
	if acts, err := Uninstall(p.root, opts); err != nil || len(acts) != 1 || acts[0].Op != "delete" {
		t.Fatalf("Uninstall: %v, %v", acts, err)
	}
	if in() {
		t.Fatal("root present after Uninstall")
	}
	_, err = Uninstall(p.root, opts)
	var se *StoreError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &se) {
		t.Fatalf("second Uninstall: %v, want a *StoreError wrapping ErrNotFound", err)
	}
	t.Log(err)
	if _, err := Install(nil, opts); err == nil {
		t.Error("Install(nil) succeeded")
	}
}

func trustOpts(host string) trust.VerifyOptions {
	return trust.VerifyOptions{ServerName: host, Time: verifyTime, Revocation: trust.RevocationOff}
}

func TestVerifyCancelled(t *testing.T) {
	p := installedPKI(t, "nativetls Verify Test")
	store, _ := System()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := store.Verify(ctx, []*x509.Certificate{p.leaf, p.inter}, trustOpts(testHost)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	if _, err := store.Verify(context.Background(), nil, trustOpts(testHost)); err == nil {
		t.Fatal("empty chain verified")
	}
}

// TestVerifyConcurrent runs verifications from several goroutines on one
// store (and one WithRoots engine).
func TestVerifyConcurrent(t *testing.T) {
	p := installedPKI(t, "nativetls Verify Test")
	extra := newPKI(t, "nativetls Concurrent Extra", testHost)
	ts, err := WithRoots(extra.root)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.(*Store).Close()
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			var err error
			for j := 0; j < 20 && err == nil; j++ {
				pk := p
				if (i+j)%2 == 0 {
					pk = extra
				}
				_, err = ts.Verify(context.Background(), []*x509.Certificate{pk.leaf, pk.inter}, trustOpts(testHost))
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestTrace: with the trace on, a verification logs the flags, each chain
// element with its status bits by name and SHA-256, the policy's verdict
// and the WithRoots fallback.
func TestTrace(t *testing.T) {
	p := installedPKI(t, "nativetls Verify Test")
	extra := newPKI(t, "nativetls Trace Extra", testHost)
	var buf bytes.Buffer
	old := traceOut
	traceOut = &buf
	defer func() { traceOut = old }()
	ts, err := WithRoots(extra.root)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.(*Store).Close()
	for _, pk := range []*testPKI{p, extra} {
		if _, err := ts.Verify(context.Background(), []*x509.Certificate{pk.leaf, pk.inter}, trustOpts(testHost)); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	t.Log(out)
	for _, want := range []string{
		"default engine: flags=[CERT_CHAIN_RETURN_LOWER_QUALITY_CONTEXTS]",
		fmt.Sprintf("sha256=%x", sha256.Sum256(p.root.Raw)),
		"CERT_TRUST_IS_SELF_SIGNED",
		"policy returned 0 (accepted)",
		"fallback: the default engine's chain has [CERT_TRUST_IS_",
		"WithRoots engine chain 1 of",
		"verdict: accepted",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the trace lacks %q", want)
		}
	}
}
