package windows

import (
	"context"
	"testing"
	"time"

	"github.com/nativetls/nativetls/trust"
)

func TestChainFlags(t *testing.T) {
	bg := context.Background()
	rows := []struct {
		name        string
		opts        trust.VerifyOptions
		flags       uint32
		policyFlags uint32
		policy      uintptr
		auth        uint32
		oid         string
	}{
		{"default soft-fail", trust.VerifyOptions{}, chainRevocationCheckExcludeRoot | chainRevocationAccumulativeTime | chainRevocationCheckCacheOnly, policyIgnoreAllRevUnknown, policySSL, authTypeServer, "1.3.6.1.5.5.7.3.1"},
		{"off", trust.VerifyOptions{Revocation: trust.RevocationOff}, 0, 0, policySSL, authTypeServer, "1.3.6.1.5.5.7.3.1"},
		{"hard-fail online", trust.VerifyOptions{Revocation: trust.RevocationHardFail, OnlineOCSP: true}, chainRevocationCheckExcludeRoot | chainRevocationAccumulativeTime, policyHardFailLeaf, policySSL, authTypeServer, "1.3.6.1.5.5.7.3.1"},
		{"no fetch", trust.VerifyOptions{Revocation: trust.RevocationOff, DisableFetch: true}, chainCacheOnlyURLRetrieval | chainDisableAuthRootAutoUpdate, 0, policySSL, authTypeServer, "1.3.6.1.5.5.7.3.1"},
		{"no fetch, online OCSP", trust.VerifyOptions{DisableFetch: true, OnlineOCSP: true}, chainRevocationCheckExcludeRoot | chainRevocationAccumulativeTime | chainDisableAIA, policyIgnoreAllRevUnknown, policySSL, authTypeServer, "1.3.6.1.5.5.7.3.1"},
		{"client", trust.VerifyOptions{Revocation: trust.RevocationOff, Usage: trust.UsageClientAuth}, 0, 0, policySSL, authTypeClient, "1.3.6.1.5.5.7.3.2"},
		{"any", trust.VerifyOptions{Revocation: trust.RevocationOff, Usage: trust.UsageAny}, 0, 0, policyBase, authTypeServer, ""},
		{"email", trust.VerifyOptions{Revocation: trust.RevocationOff, Usage: trust.UsageEmail}, 0, 0, policyBase, authTypeServer, "1.3.6.1.5.5.7.3.4"},
	}
	for _, r := range rows {
		r.flags |= chainReturnLowerQuality // always: lower-ranked chains are tried too
		p := chainFlags(bg, r.opts)
		if p.Flags != r.flags || p.PolicyFlags != r.policyFlags || p.Policy != r.policy || p.AuthType != r.auth || p.UsageOID != r.oid {
			t.Errorf("%s: got %+v", r.name, p)
		}
		if p.Timeout != URLRetrievalTimeout || p.TimeoutMillis() != 3000 {
			t.Errorf("%s: timeout %v", r.name, p.Timeout)
		}
	}
	ctx, cancel := context.WithTimeout(bg, 500*time.Millisecond)
	defer cancel()
	if p := chainFlags(ctx, trust.VerifyOptions{}); p.Timeout > 500*time.Millisecond || p.TimeoutMillis() == 0 {
		t.Errorf("context deadline not honoured: %v", p.Timeout)
	}
	expired, cancel2 := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel2()
	if p := chainFlags(expired, trust.VerifyOptions{}); p.TimeoutMillis() != 1 {
		t.Errorf("past deadline gives %v ms", p.TimeoutMillis())
	}
}

func TestLocation(t *testing.T) {
	for s, want := range map[string]Location{"user": CurrentUser, "CurrentUser": CurrentUser, "machine": LocalMachine, "LOCALMACHINE": LocalMachine} {
		got, err := ParseLocation(s)
		if err != nil || got != want {
			t.Errorf("ParseLocation(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseLocation("service"); err == nil {
		t.Error("ParseLocation(service) succeeded")
	}
	if _, err := Location(9).flags(); err == nil {
		t.Error("Location(9).flags() succeeded")
	}
	if Source(CurrentUser, StoreRoot) != "windows:CurrentUser/ROOT" || LocalMachine.String() != "LocalMachine" {
		t.Error("Source / String")
	}
}
