package windows_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"

	"github.com/nativetls/nativetls/trust"
	"github.com/nativetls/nativetls/windows"
)

func ExampleParseCAPIURI() {
	u, err := windows.ParseCAPIURI("capi:store-location=machine;store=My;issuer=Corp Issuing CA;serial=0x1f")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Location, u.Store, u.Issuer, u.Serial)
	// Output: LocalMachine My Corp Issuing CA 31
}

func ExampleSystem() {
	store, err := windows.System() // ErrUnsupported on other systems
	if err != nil {
		log.Print(err)
		return
	}
	var chain []*x509.Certificate // leaf first, as the peer sent it
	_, err = trust.Verify(context.Background(), store, chain, trust.VerifyOptions{ServerName: "example.com"})
	fmt.Println(err)
}

func ExampleWithRoots() {
	var corpRoot *x509.Certificate // loaded from a file
	ts, err := windows.WithRoots(corpRoot)
	if err != nil {
		log.Print(err)
		return
	}
	defer ts.(*windows.Store).Close() // frees the chain engine
	fmt.Println(ts)
}

func ExampleOpenKey() {
	key, err := windows.OpenKey("capi:store-location=user;store=My;cn=client.example.com", nil)
	if err != nil {
		log.Print(err) // errors.Is(err, windows.ErrKeyNotFound) …
		return
	}
	defer key.Close()
	cfg := &tls.Config{Certificates: []tls.Certificate{key.TLSCertificate()}}
	_ = cfg
}

func ExampleInstall() {
	var ciRoot *x509.Certificate
	// LocalMachine ROOT: no confirmation dialog, needs an elevated process.
	actions, err := windows.Install(ciRoot, trust.InstallOptions{Scope: trust.ScopeSystem})
	if err != nil {
		log.Print(err) // *windows.StoreError; errors.Is(err, trust.ErrNotInstalled) if the store did not take it
	}
	for _, a := range actions {
		fmt.Println(a) // [LocalMachine\ROOT] add (CN=…, SHA-1 thumbprint …)
	}
}
