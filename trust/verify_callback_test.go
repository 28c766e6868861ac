package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"
)

// The verify callback, its Override, and SPKI pins.

func TestCallbackSeesAndRejects(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	var seen VerifyInfo
	errNo := errors.New("policy says no")
	o := vtOpts()
	o.Callback = func(info VerifyInfo) error { seen = info; return errNo }
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonPolicy || !errors.Is(err, errNo) {
		t.Fatalf("got %v", err)
	}
	if want := `trust: certificate for "www.example.com" was rejected by policy: rejected by the verify callback: policy says no`; err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
	if len(seen.Presented) != 2 || len(seen.Verified) != 1 || seen.Err != nil || seen.Options.ServerName != "www.example.com" {
		t.Errorf("callback saw %+v", seen)
	}
}

func TestCallbackNilKeepsRejection(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	o := vtOpts()
	var verdict error
	o.Callback = func(info VerifyInfo) error { verdict = info.Err; return nil }
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain()[:1], o)
	if err == nil || verdict == nil || err != verdict {
		t.Fatalf("rejection not kept: err=%v verdict=%v", err, verdict)
	}
}

func TestCallbackOverridePinnedSelfSigned(t *testing.T) {
	self := vtIssue(t, vtTemplate("device.local", false, "device.local"), nil, vtECKey(t))
	pin := PinOf(self.Cert)
	p := newVTPKI(t, vtChainOpts{})
	o := vtOpts()
	o.ServerName = "device.local"
	o.Callback = func(info VerifyInfo) error {
		if info.Err != nil && PinOf(info.Presented[0]) == pin {
			return &Override{Why: "self-signed device certificate pinned by key"}
		}
		return nil
	}
	chains, err := (&Verifier{}).Verify(context.Background(), p.Store(), []*x509.Certificate{self.Cert}, o)
	if err != nil || len(chains) != 1 || !chains[0][0].Equal(self.Cert) {
		t.Fatalf("override not applied: %v", err)
	}
	other := vtIssue(t, vtTemplate("device.local", false, "device.local"), nil, vtECKey(t))
	if _, err := (&Verifier{}).Verify(context.Background(), p.Store(), []*x509.Certificate{other.Cert}, o); err == nil {
		t.Fatal("an unpinned self-signed certificate was accepted")
	}
}

func TestPins(t *testing.T) {
	p := newVTPKI(t, vtChainOpts{})
	for _, c := range []*x509.Certificate{p.Leaf.Cert, p.Inter.Cert, p.Root.Cert} {
		pin, err := ParsePin(PinOf(c).String())
		if err != nil {
			t.Fatal(err)
		}
		o := vtOpts()
		o.Pins = []Pin{{1}, pin}
		if _, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o); err != nil {
			t.Errorf("pin of %s: %v", c.Subject.CommonName, err)
		}
	}
	o := vtOpts()
	o.Pins = []Pin{{1}}
	_, err := (&Verifier{}).Verify(context.Background(), p.Store(), p.Chain(), o)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != ReasonPinMismatch {
		t.Fatalf("want pin mismatch, got %v", err)
	}
	for _, s := range []string{`pin-sha256="` + PinOf(p.Leaf.Cert).String()[12:56] + `"`, "sha256/" + PinOf(p.Leaf.Cert).String()[12:56]} {
		if got, err := ParsePin(s); err != nil || got != PinOf(p.Leaf.Cert) {
			t.Errorf("ParsePin(%s) = %v, %v", s, got, err)
		}
	}
	if _, err := ParsePin("pin-sha256=\"short\""); err == nil {
		t.Error("short pin accepted")
	}
}
