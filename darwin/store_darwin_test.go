package darwin

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/nativetls/nativetls/darwin/internal/sec"
	"github.com/nativetls/nativetls/trust"
)

func TestVerifyReturnsTheBuiltChain(t *testing.T) {
	p := newTestPKI(t)
	store, err := WithRoots(p.root)
	if err != nil {
		t.Fatal(err)
	}
	chains, err := store.Verify(context.Background(), []*x509.Certificate{p.leaf, p.inter},
		trust.VerifyOptions{ServerName: goodHost, Time: fixedNow, DisableFetch: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(chains) != 1 || len(chains[0]) != 3 || !chains[0][2].Equal(p.root) {
		t.Fatalf("chain: %v", chains)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := store.Verify(ctx, []*x509.Certificate{p.leaf, p.inter}, trust.VerifyOptions{ServerName: goodHost}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestSystemAnchorsAndSources(t *testing.T) {
	s, err := System()
	if err != nil {
		t.Fatal(err)
	}
	anchors, err := s.(trust.AnchorLister).Anchors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	system := 0
	for _, a := range anchors {
		if a.Source == "darwin:system-roots" && !a.Distrusted {
			system++
		}
	}
	if system < 50 {
		t.Errorf("only %d system roots listed", system)
	}
	for _, r := range s.(trust.SourceReporter).Sources() {
		if r.Name == "system-roots" && (r.Err != nil || r.Anchors < 50) {
			t.Errorf("system roots source: %+v", r)
		}
	}
}

// TestTrustSettingsInstall adds a generated root to the user's trust
// settings (falling back to the admin domain with passwordless sudo, as on
// CI runners, where the user domain cannot be confirmed without a GUI),
// verifies through the system store alone, lists it, and removes it.
//
// NATIVETLS_DARWIN_TRUST_SETTINGS=1 (or "user") uses Install; on a headless
// runner first allow the change without a dialog:
//
//	sudo security authorizationdb write com.apple.trust-settings.user allow
//
// NATIVETLS_DARWIN_TRUST_SETTINGS=admin goes straight to the admin domain.
func TestTrustSettingsInstall(t *testing.T) {
	mode := os.Getenv("NATIVETLS_DARWIN_TRUST_SETTINGS")
	if mode != "1" && mode != "user" && mode != "admin" {
		t.Skip("changes this Mac's trust settings (a generated root, removed afterwards); run with NATIVETLS_DARWIN_TRUST_SETTINGS=1 go test ./darwin/")
	}
	p := newTestPKI(t)
	kc := newTestKeychain(t)
	wantSource := "darwin:user-trust-settings"
	err := ErrInteractionNotAllowed
	if mode != "admin" {
		err = installWithWatchdog(t, p, kc)
	}
	switch {
	case err == nil:
		t.Cleanup(func() {
			if _, err := Uninstall(p.root, trust.InstallOptions{Keychain: kc.path}); err != nil {
				t.Errorf("Uninstall: %v", err)
			}
		})
	case errors.Is(err, ErrInteractionNotAllowed) || errors.Is(err, ErrAuthFailed) || errors.Is(err, ErrUserCanceled):
		t.Logf("user domain needs a GUI confirmation (%v); using the admin domain through sudo -n", err)
		pemFile := writePEM(t, p.rootC)
		if out, sudoErr := exec.Command("sudo", "-n", "/usr/bin/security", "add-trusted-cert", "-d", "-r", "trustRoot",
			"-p", "ssl", "-p", "basic", "-k", kc.path, pemFile).CombinedOutput(); sudoErr != nil {
			t.Skipf("neither user trust settings (%v) nor passwordless sudo (%v: %s) is available", err, sudoErr, out)
		}
		t.Cleanup(func() {
			_ = exec.Command("sudo", "-n", "/usr/bin/security", "remove-trusted-cert", "-d", pemFile).Run()
			if err := readBack(p.root, DomainAdmin, true); err != nil {
				t.Errorf("read-back after security remove-trusted-cert -d: %v", err)
			}
		})
		// The read-back Install does, applied to what security(1) wrote.
		if err := readBack(p.root, DomainAdmin, false); err != nil {
			t.Errorf("read-back after security add-trusted-cert -d: %v", err)
		}
		wantSource = "darwin:admin-trust-settings"
	default:
		t.Fatalf("Install: %v", err)
	}
	s, err := System()
	if err != nil {
		t.Fatal(err)
	}
	opts := trust.VerifyOptions{ServerName: goodHost, Time: fixedNow, DisableFetch: true}
	if _, err := s.Verify(context.Background(), []*x509.Certificate{p.leaf, p.inter}, opts); err != nil {
		t.Fatalf("verification through the trust settings: %v", err)
	}
	anchors, err := s.(trust.AnchorLister).Anchors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range anchors {
		if a.Certificate.Equal(p.root) {
			found = true
			if a.Source != wantSource || a.Distrusted || !a.TrustedFor(trust.UsageServerAuth) {
				t.Errorf("installed root listed as %+v", a)
			}
		}
	}
	if !found {
		t.Error("installed root not listed by Anchors")
	}
}

func TestStoreUnknownRootWithoutSettings(t *testing.T) {
	p := newTestPKI(t)
	s, err := System()
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Verify(context.Background(), []*x509.Certificate{p.leaf, p.inter}, trust.VerifyOptions{ServerName: goodHost, Time: fixedNow, DisableFetch: true})
	var ve *trust.VerificationError
	if !errors.As(err, &ve) || ve.Reason != trust.ReasonUnknownAuthority || ve.PlatformCode == 0 {
		t.Fatalf("want unknown authority with the OS code, got %v", err)
	}
}

// TestPolicyPropertiesMatchConstants checks what SecPolicyCopyProperties
// reports for the policies this package creates, with a host name so that
// kSecPolicyName is not empty: kSecPolicyOid must be the OID the
// trust-settings evaluation compares (the SSL OID for server and client
// alike), and kSecPolicyName is the host, never taken for the policy's
// name (OSX/sec/Security/SecPolicy.c, SecPolicyCopyProperties,
// Security-61901).
func TestPolicyPropertiesMatchConstants(t *testing.T) {
	if err := available(); err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[policyKind]tsPolicy{policySSLServer: tsPolicySSLServer, policySSLClient: tsPolicySSLClient, policyBasic: tsPolicyBasic} {
		var rel releaser
		ref := rel.add(policyRef(kind, goodHost, &rel))
		props := rel.add(sec.SecPolicyCopyProperties(ref))
		host := stringValue(props, sec.KSecPolicyName)
		got, ok := toGo(ref).(tsPolicy)
		rel.release()
		if !ok {
			t.Fatalf("%v: not converted to a tsPolicy", kind)
		}
		t.Logf("%v: kSecPolicyOid %q kSecPolicyName %q", kind, got.OID, host)
		if got.OID != want.OID || got.Name != "" {
			t.Errorf("%v converts to %+v, want OID %q and no name (the name comes from kSecTrustSettingsPolicyName)", kind, got, want.OID)
		}
		if kind == policySSLServer && host != goodHost {
			t.Errorf("sslServer: kSecPolicyName %q, want the host %q", host, goodHost)
		}
		constraint := tsPolicy{OID: got.OID, Name: want.Name} // as a trust setting written for this policy reads back
		if !constraint.matches(want) {
			t.Errorf("%v: a constraint %+v does not match its own policy", kind, constraint)
		}
	}
}

// installWithWatchdog runs Install, failing the test instead of hanging
// when macOS shows an authorization dialog nobody can answer.
func installWithWatchdog(t *testing.T, p *testPKI, kc *testKeychain) error {
	done := make(chan error, 1)
	go func() {
		actions, err := Install(p.root, trust.InstallOptions{Keychain: kc.path})
		t.Logf("Install actions: %v", actions)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(90 * time.Second):
		t.Fatal("Install is waiting for an authorization dialog; on headless runners run " +
			"`sudo security authorizationdb write com.apple.trust-settings.user allow` first, or set NATIVETLS_DARWIN_TRUST_SETTINGS=admin")
		return nil
	}
}
