package insecure_test

import (
	"testing"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/trust/insecure"
)

func TestInsecureIsExplicit(t *testing.T) {
	c := insecure.WithoutCertificateValidation(trust.DefaultConfiguration())
	if c.ValidateCertificates() || !c.ValidationExplicit() {
		t.Fatal("insecure configuration not marked")
	}
	if !trust.DefaultConfiguration().WithCertificateValidation().ValidationExplicit() {
		t.Fatal("explicit validation not recorded")
	}
	if insecure.WithoutHostnameCheck(trust.DefaultConfiguration()).CheckHostname() {
		t.Fatal("hostname check still on")
	}
}
