package native

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/trust/insecure"
)

// withPolicyEnv evaluates the policy against env (instead of the process
// environment), the given identity and a policy file holding conf (no file
// when conf is ""), and restores everything afterwards.
func withPolicyEnv(t *testing.T, env map[string]string, conf string, ids [4]int) (warnings *[]string) {
	t.Helper()
	dir := tempDir(t)
	path := filepath.Join(dir, "verify.conf")
	if conf != "" {
		if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := map[string]string{envVerifyConf: path}
	for k, v := range env {
		e[k] = v
	}
	oldLookup, oldIDs, oldStderr := policyLookup, policyIDs, policyStderr
	var mu sync.Mutex
	var got []string
	policyLookup = func(k string) (string, bool) { v, ok := e[k]; return v, ok }
	policyIDs = func() (int, int, int, int) { return ids[0], ids[1], ids[2], ids[3] }
	policyStderr = func(m string) { mu.Lock(); got = append(got, m); mu.Unlock() }
	resetPolicy()
	t.Cleanup(func() {
		policyLookup, policyIDs, policyStderr = oldLookup, oldIDs, oldStderr
		SetPolicyWarningHook(nil)
		resetPolicy()
	})
	return &got
}

var normalIDs = [4]int{1000, 1000, 1000, 1000}

func TestPolicyTable(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		conf     string
		ids      [4]int
		want     VerifySetting
		source   string // "" = the file path
		ignored  bool
		problems int
	}{
		{name: "default", want: VerifyPlatformDefault, source: "default"},
		{name: "env 0", env: map[string]string{envVerify: "0"}, want: VerifyDisable, source: "environment NATIVETLS_VERIFY"},
		{name: "env 1", env: map[string]string{envVerify: "1"}, want: VerifyEnable, source: "environment NATIVETLS_VERIFY"},
		{name: "env empty", env: map[string]string{envVerify: ""}, want: VerifyPlatformDefault, source: "default"},
		{name: "env junk", env: map[string]string{envVerify: "no"}, want: VerifyPlatformDefault, source: "default", problems: 1},
		{name: "file disable", conf: "verify = disable\n", want: VerifyDisable, source: ""},
		{name: "file enable in section", conf: "# c\n[https]\nverify=enable\n", want: VerifyEnable, source: ""},
		{name: "file platform_default", conf: "verify = platform_default", want: VerifyPlatformDefault, source: ""},
		{name: "file other section ignored", conf: "[other]\nverify = disable\n", want: VerifyPlatformDefault, source: "default"},
		{name: "file malformed", conf: "verify disable\n", want: VerifyPlatformDefault, source: "default", problems: 1},
		{name: "file bad value", conf: "verify = maybe\n", want: VerifyPlatformDefault, source: "default", problems: 1},
		{name: "env wins over file", env: map[string]string{envVerify: "1"}, conf: "verify = disable\n", want: VerifyEnable, source: "environment NATIVETLS_VERIFY"},
		{name: "env 0 wins over file enable", env: map[string]string{envVerify: "0"}, conf: "verify = enable\n", want: VerifyDisable, source: "environment NATIVETLS_VERIFY"},
		{name: "ignore environment", env: map[string]string{envVerify: "0", envIgnoreEnvironment: "1"}, conf: "verify = disable\n", want: VerifyPlatformDefault, source: "default", ignored: true},
		{name: "setuid", env: map[string]string{envVerify: "0"}, conf: "verify = disable\n", ids: [4]int{1000, 0, 1000, 1000}, want: VerifyPlatformDefault, source: "default", ignored: true},
		{name: "setgid", env: map[string]string{envVerify: "0"}, ids: [4]int{1000, 1000, 1000, 0}, want: VerifyPlatformDefault, source: "default", ignored: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := tt.ids
			if ids == [4]int{} {
				ids = normalIDs
			}
			withPolicyEnv(t, tt.env, tt.conf, ids)
			p := Policy()
			if p.Setting != tt.want {
				t.Errorf("Setting = %v, want %v (%s)", p.Setting, tt.want, p)
			}
			src := tt.source
			if src == "" {
				src = "verify.conf"
			}
			if !strings.HasSuffix(p.Source, src) {
				t.Errorf("Source = %q, want %q", p.Source, src)
			}
			if (p.Ignored != "") != tt.ignored {
				t.Errorf("Ignored = %q, want ignored=%v", p.Ignored, tt.ignored)
			}
			if len(p.Problems) != tt.problems {
				t.Errorf("Problems = %q, want %d", p.Problems, tt.problems)
			}
		})
	}
}

func TestPolicyAppliesOnlyToImplicitConfigurations(t *testing.T) {
	warnings := withPolicyEnv(t, map[string]string{envVerify: "0"}, "", normalIDs)
	var hooked []VerifyPolicy
	SetPolicyWarningHook(func(p VerifyPolicy) { hooked = append(hooked, p) })

	def := trust.DefaultConfiguration()
	if validationEnabled(def) {
		t.Error("default configuration still validates under NATIVETLS_VERIFY=0")
	}
	if validationEnabled(def) {
		t.Error("second call validates")
	}
	if !validationEnabled(def.WithCertificateValidation()) {
		t.Error("explicit validation was turned off by the switch")
	}
	if !validationEnabled(def.WithClientAuth(trust.RequireClientCert)) {
		t.Error("server client-certificate verification was turned off by the switch")
	}
	if validationEnabled(insecure.WithoutCertificateValidation(def)) {
		t.Error("insecure configuration validates")
	}
	if len(*warnings) != 1 || !strings.Contains((*warnings)[0], "NATIVETLS_VERIFY") {
		t.Errorf("warnings on stderr = %q, want exactly one naming NATIVETLS_VERIFY", *warnings)
	}
	if len(hooked) != 1 || hooked[0].Setting != VerifyDisable {
		t.Errorf("hook calls = %v, want one with disable", hooked)
	}
}

func TestPolicyDefaultDoesNotWarn(t *testing.T) {
	warnings := withPolicyEnv(t, nil, "", normalIDs)
	if !validationEnabled(trust.DefaultConfiguration()) {
		t.Error("default configuration does not validate")
	}
	if len(*warnings) != 0 {
		t.Errorf("warnings = %q, want none", *warnings)
	}
}

func TestPolicyProblemWarns(t *testing.T) {
	warnings := withPolicyEnv(t, map[string]string{envVerify: "off"}, "", normalIDs)
	if !validationEnabled(trust.DefaultConfiguration()) {
		t.Error("an unknown value turned verification off")
	}
	if len(*warnings) != 1 || !strings.Contains((*warnings)[0], `NATIVETLS_VERIFY="off" is not understood`) {
		t.Errorf("warnings = %q", *warnings)
	}
}

func TestPolicyContextSkipsVerification(t *testing.T) {
	withPolicyEnv(t, map[string]string{envVerify: "0"}, "", normalIDs)
	c, err := NewClientContext(trust.DefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	if c.v.store != nil {
		t.Error("client context under NATIVETLS_VERIFY=0 still has a trust store")
	}
}

func TestPolicyString(t *testing.T) {
	for _, tt := range []struct {
		p    VerifyPolicy
		want string
	}{
		{VerifyPolicy{Source: "default"}, "verification on (platform default)"},
		{VerifyPolicy{Setting: VerifyDisable, Source: "/etc/nativetls/verify.conf"}, "verification disabled for default configurations by /etc/nativetls/verify.conf"},
		{VerifyPolicy{Setting: VerifyEnable, Source: "environment NATIVETLS_VERIFY"}, "verification enabled by environment NATIVETLS_VERIFY"},
		{VerifyPolicy{Source: "default", Ignored: "NATIVETLS_IGNORE_ENVIRONMENT is set"}, "verification on (platform default); environment and policy file ignored: NATIVETLS_IGNORE_ENVIRONMENT is set"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("[https]\nverify = enable\n"))
	f.Add([]byte("verify=disable"))
	f.Add([]byte("[x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, ok, err := parsePolicy(data)
		if err != nil && ok {
			t.Fatal("error and ok")
		}
		if s < VerifyPlatformDefault || s > VerifyDisable {
			t.Fatalf("setting %d", s)
		}
	})
}

// TestPolicySwitchSparesExplicitVerification is the regression test of
// issue 13 item 6: NATIVETLS_VERIFY=0 changes only the default
// configuration. A configuration that names a trust store, pins or a
// verify callback keeps verifying, and its pins and callback run, over a
// real loopback handshake.
func TestPolicySwitchSparesExplicitVerification(t *testing.T) {
	p := newPKI(t, testpki.Options{})
	otherRoot := testpki.Root("Other Root", testpki.Options{}) // a CA the server's chain does not lead to
	otherStore := trust.FromCertificates("other roots", otherRoot.Cert)
	withPolicyEnv(t, map[string]string{envVerify: "0"}, "", normalIDs)

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
