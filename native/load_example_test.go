package native_test

import (
	"fmt"
	"log"

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
