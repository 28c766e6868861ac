package darwin

import (
	"context"
	"crypto/x509"
	"errors"
	"reflect"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestPlanVerify(t *testing.T) {
	p := newTestPKI(t)
	chain := []*x509.Certificate{p.leaf, p.inter}
	staple := []byte{0x30, 0x03}
	cases := []struct {
		name string
		opts trust.VerifyOptions
		want verifyPlan
	}{
		{"server default", trust.VerifyOptions{ServerName: goodHost, OCSPResponse: staple},
			verifyPlan{Policy: policySSLServer, Hostname: goodHost, OCSP: staple, NetworkFetch: true}},
		{"ipv6 literal", trust.VerifyOptions{ServerName: "[::1]"}, verifyPlan{Policy: policySSLServer, Hostname: "::1", NetworkFetch: true}},
		{"client", trust.VerifyOptions{Usage: trust.UsageClientAuth, ServerName: "ignored.example"}, verifyPlan{Policy: policySSLClient, NetworkFetch: true}},
		{"code signing uses basic", trust.VerifyOptions{Usage: trust.UsageCodeSigning, DisableFetch: true, Time: fixedNow},
			verifyPlan{Policy: policyBasic, Date: fixedNow}},
		{"revocation off drops the staple", trust.VerifyOptions{Revocation: trust.RevocationOff, OCSPResponse: staple, OnlineOCSP: true},
			verifyPlan{Policy: policySSLServer, NetworkFetch: true}},
		{"soft-fail online", trust.VerifyOptions{OnlineOCSP: true}, verifyPlan{Policy: policySSLServer, NetworkFetch: true, Revocation: revocationAnyMethod}},
		{"hard-fail", trust.VerifyOptions{Revocation: trust.RevocationHardFail, OCSPResponse: staple},
			verifyPlan{Policy: policySSLServer, NetworkFetch: true, OCSP: staple, Revocation: revocationAnyMethod | revocationRequirePositive}},
		{"hard-fail offline", trust.VerifyOptions{Revocation: trust.RevocationHardFail, DisableFetch: true},
			verifyPlan{Policy: policySSLServer, Revocation: revocationAnyMethod | revocationRequirePositive | revocationNetworkDisabled}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := planVerify(chain, []*x509.Certificate{p.root}, c.opts)
			c.want.Certs = [][]byte{p.leaf.Raw, p.inter.Raw}
			c.want.Anchors = [][]byte{p.root.Raw}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
	if got := planVerify(chain, nil, trust.VerifyOptions{}); got.Anchors != nil {
		t.Error("no extra roots must leave Anchors nil (system anchors only)")
	}
}

func TestRunWithContext(t *testing.T) {
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := runWithContext(ctx, func() (evalResult, error) { return evalResult{Trusted: true}, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before start: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := runWithContext(ctx, func() (evalResult, error) { <-release; return evalResult{Trusted: true}, nil })
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while running: %v", err)
	}
	close(release)
	r, err := runWithContext(context.Background(), func() (evalResult, error) { return evalResult{Trusted: true}, nil })
	if err != nil || !r.Trusted {
		t.Fatalf("plain run: %v %v", r, err)
	}
}

func TestPostChecks(t *testing.T) {
	p := newTestPKI(t)
	built := []*x509.Certificate{p.leaf, p.inter, p.root}
	presented := built[:2]
	check := func(opts trust.VerifyOptions, pol policyKind) trust.Reason {
		ve := postChecks(built, presented, opts, fixedNow, pol)
		if ve == nil {
			return -1
		}
		return ve.Reason
	}
	if r := check(trust.VerifyOptions{ServerName: goodHost}, policySSLServer); r != -1 {
		t.Errorf("good chain: %v", r)
	}
	if r := check(trust.VerifyOptions{Usage: trust.UsageAny, ServerName: "other.example"}, policyBasic); r != trust.ReasonHostnameMismatch {
		t.Errorf("basic policy with a wrong host: %v", r)
	}
	if r := check(trust.VerifyOptions{Usage: trust.UsageEmail}, policyBasic); r != trust.ReasonWrongUsage {
		t.Errorf("server leaf for e-mail: %v", r)
	}
	// Max depth and CRLs are trust.Verifier's: the store does not look at them.
	deep := []*x509.Certificate{p.leaf, p.inter, p.inter, p.root}
	if ve := postChecks(deep, presented, trust.VerifyOptions{MaxDepth: 1}, fixedNow, policySSLServer); ve != nil {
		t.Errorf("the store applied MaxDepth itself: %v", ve)
	}
}

func TestIsPlatformAnchor(t *testing.T) {
	p := newTestPKI(t)
	s := (&Store{}).withRoots(p.root, nil)
	if s.IsPlatformAnchor(p.root) {
		t.Error("an extra root given to WithRoots counted as trusted by macOS")
	}
	if !s.IsPlatformAnchor(p.otherRoot) {
		t.Error("an anchor SecTrust found (not an extra) must count as the OS's")
	}
	if s.IsPlatformAnchor(nil) {
		t.Error("nil anchor")
	}
}
