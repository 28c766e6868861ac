package trust_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/trust"
)

// Configurations are values: With methods return changed copies.
func ExampleConfiguration() {
	base := trust.DefaultConfiguration()
	h2 := base.WithInnerProtocols(trust.H2, trust.HTTP1_1).WithVersions(trust.TLSv1_3, trust.MaximumSupported)
	fmt.Println(base.InnerProtocols(), base.LowestSupportedVersion())
	fmt.Println(h2.InnerProtocols(), h2.LowestSupportedVersion())
	fmt.Println(base.Equal(h2), h2.Equal(base.WithInnerProtocols(trust.H2, trust.HTTP1_1).WithVersions(trust.TLSv1_3, trust.MaximumSupported)))
	// Output:
	// [] default
	// [h2 http/1.1] TLSv1.3
	// false true
}

// Verify returns a *VerificationError whose message says what failed.
func ExampleVerify() {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	root := testpki.Root("Example Root", testpki.Options{NotBefore: now.AddDate(-1, 0, 0)})
	leaf := root.Leaf(testpki.Options{DNSNames: []string{"a.example", "b.example"}, NotBefore: now.AddDate(0, -1, 0)})
	store := trust.FromCertificates("example roots", root.Cert)

	_, err := trust.Verify(context.Background(), store, testpki.Chain(leaf), trust.VerifyOptions{ServerName: "c.example", Time: now})
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Reason)
		fmt.Println(err)
	}
	// Output:
	// hostname_mismatch
	// trust: certificate is valid for a.example, b.example, not c.example
}

// Pins use the RFC 7469 form.
func ExampleParsePin() {
	pin, err := trust.ParsePin(`pin-sha256="E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g="`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pin)
	// Output: pin-sha256="E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g="
}
