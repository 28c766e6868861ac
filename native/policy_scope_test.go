package native

import (
	"errors"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// TestPolicySwitchSparesExplicitVerification is the regression test of
// issue 13 item 6: NATIVETLS_VERIFY=0 changes only the default
// configuration. A configuration that names a trust store, pins or a
// verify callback keeps verifying, and its pins and callback run, over a
// real loopback handshake.
func TestPolicySwitchSparesExplicitVerification(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	otherRoot := testpki.Root("Other Root", testpki.Options{}) // a CA the server's chain does not lead to
	otherStore := trust.FromCertificates("other roots", otherRoot.Cert)
	withPolicyEnv(t, map[string]string{EnvVerify: "0"}, "", normalIDs)

	// The switch still works for the default configuration.
	r := handshake(t, trust.DefaultConfiguration(), p.serverConfig(), "www.example.test")
	if r.clientErr != nil {
		t.Fatalf("default configuration under NATIVETLS_VERIFY=0: %v", r.clientErr)
	}

	// A trust store that does not trust the server: refused.
	r = handshake(t, trust.DefaultConfiguration().WithTrustStore(otherStore), p.serverConfig(), "www.example.test")
	wantReason(t, r.clientErr, trust.ReasonUnknownAuthority)

	// A pin that does not match, with the store that trusts the server.
	pinned := p.clientConfig().WithPins(trust.PinOf(otherRoot.Cert))
	r = handshake(t, pinned, p.serverConfig(), "www.example.test")
	if r.clientErr == nil {
		t.Fatal("a configuration with a non-matching pin connected under NATIVETLS_VERIFY=0")
	}

	// Pins alone (no trust store: the system store decides, which does not
	// know the test CA) are not skipped either.
	r = handshake(t, trust.DefaultConfiguration().WithPins(trust.PinOf(p.root.Cert)), p.serverConfig(), "www.example.test")
	if r.clientErr == nil {
		t.Fatal("a pins-only configuration skipped verification under NATIVETLS_VERIFY=0")
	}

	// A callback runs, and its refusal stands.
	calls := 0
	errNo := errors.New("callback says no")
	cb := func(trust.VerifyInfo) error { calls++; return errNo }
	r = handshake(t, trust.DefaultConfiguration().WithVerifyCallback(cb), p.serverConfig(), "www.example.test")
	if r.clientErr == nil || calls == 0 {
		t.Fatalf("callback configuration under NATIVETLS_VERIFY=0: err %v, %d callback calls", r.clientErr, calls)
	}
	calls = 0
	r = handshake(t, p.clientConfig().WithVerifyCallback(cb), p.serverConfig(), "www.example.test")
	if !errors.Is(r.clientErr, errNo) || calls != 1 {
		t.Fatalf("callback with a trusting store: err %v, %d calls; want the callback's refusal", r.clientErr, calls)
	}
}

func TestVerificationRequested(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	def := trust.DefaultConfiguration()
	for name, cfg := range map[string]trust.Configuration{
		"store":    def.WithTrustStore(p.store),
		"pins":     def.WithPins(trust.PinOf(p.root.Cert)),
		"callback": def.WithVerifyCallback(func(trust.VerifyInfo) error { return nil }),
		"explicit": def.WithCertificateValidation(),
		"mTLS":     def.WithClientAuth(trust.RequestClientCert),
	} {
		if !verificationRequested(cfg) {
			t.Errorf("%s: not treated as asking for verification", name)
		}
	}
	if verificationRequested(def.WithInnerProtocols(trust.H2)) {
		t.Error("a default configuration with ALPN is treated as asking for verification")
	}
}

// TestVerifiedChainsAreCopies: a caller changing the chains it got changes
// neither the connection's record nor what the next caller sees.
func TestVerifiedChainsAreCopies(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	r := handshake(t, p.clientConfig(), p.serverConfig(), "www.example.test")
	if r.clientErr != nil {
		t.Fatal(r.clientErr)
	}
	got := r.client.VerifiedChains()
	if len(got) == 0 || len(got[0]) < 2 {
		t.Fatalf("chains %v", got)
	}
	got[0][0] = nil
	got[0] = got[0][:1]
	again := r.client.VerifiedChains()
	if again[0][0] == nil || len(again[0]) < 2 {
		t.Fatal("VerifiedChains handed out its own slices")
	}
}
