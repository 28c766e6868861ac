package native_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// A server whose certificate and key are named by one string each, from a
// config file: a PEM file and an HSM key here, but any scheme of the table
// (PKCS#12, capi:, mackms:) works the same way.
func ExampleLoadIdentity() {
	chain, err := native.LoadIdentity("/etc/tls/server-chain.pem",
		native.WithKey("pkcs11:token=web;object=server;type=private"),
		native.WithPasswordSource("env:TOKEN_PIN"))
	if err != nil {
		log.Fatal(err) // names the URI and what to do
	}
	srv, err := native.NewServerContext(trust.DefaultConfiguration().WithCertificateChains(chain))
	if err != nil {
		log.Fatal(err)
	}
	_ = srv
}

// "The system plus our company root".
func ExampleTrustStore() {
	store, err := native.TrustStore("system+/etc/tls/company-root.pem")
	if err != nil {
		log.Fatal(err)
	}
	cfg := trust.DefaultConfiguration().WithTrustStore(store)
	_ = cfg
}

// Feature detection and audit of the process-wide PEP 493 switch.
func ExamplePolicy() {
	native.SetPolicyWarningHook(func(p native.VerifyPolicy) {
		log.Printf("TLS verification policy in use: %s", p)
	})
	p := native.Policy()
	fmt.Println(p.Verify(), p.Source)
}

// Password and PIN sources are the same strings everywhere.
func ExamplePasswordSource() {
	pw, err := native.PasswordSource("env:P12_PASSWORD")
	if err != nil {
		log.Fatal(err)
	}
	key, err := native.LoadPrivateKey("/etc/tls/server.p12", native.WithPassword(pw))
	if err != nil {
		log.Fatal(err)
	}
	_ = key
}

// Errors and logs show URIs through RedactURI: the PIN is gone, the rest
// still says which key was meant.
func ExampleRedactURI() {
	fmt.Println(native.RedactURI("pkcs11:token=web;object=server?module-name=softhsm2&pin-value=1234"))
	fmt.Println(native.RedactURI("https://deploy:hunter2@vault.example/v1/tls"))
	// Output:
	// pkcs11:token=web;object=server?module-name=softhsm2&pin-value=***
	// https://deploy:***@vault.example/v1/tls
}

// A password source without its form is refused, and the value, which may
// be the password itself, is not repeated.
func ExamplePasswordSource_bareValue() {
	_, err := native.PasswordSource("hunter2")
	fmt.Println(errors.Is(err, native.ErrBarePassword))
	fmt.Println(strings.Contains(err.Error(), "hunter2"))
	fmt.Println(err)
	// Output:
	// true
	// false
	// native: password source: a password source needs a form prefix (the value is not shown, as it may be the password): write file:/path/pin.txt to read a file, pass:PIN for a literal (visible in process listings), env:VAR or keychain:SERVICE/ACCOUNT
}
