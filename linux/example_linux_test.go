package linux_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"log"
	"os"

	"github.com/nativetls/nativetls/linux"
	"github.com/nativetls/nativetls/trust"
)

// ExampleSystem verifies a server chain against what this machine trusts
// and prints where the trust came from (what `nativetls doctor` shows).
func ExampleSystem() {
	store, err := linux.System()
	if err != nil {
		log.Fatal(err) // says where it looked and how to fix it
	}
	for _, src := range store.(trust.SourceReporter).Sources() {
		switch {
		case src.Skipped != "":
			fmt.Printf("%s: skipped: %s\n", src.Name, src.Skipped)
		case src.Err != nil:
			fmt.Printf("%s %s: %d anchors, %d distrusted; %v\n", src.Name, src.Path, src.Anchors, src.Distrusted, src.Err)
		default:
			fmt.Printf("%s %s: %d anchors, %d distrusted\n", src.Name, src.Path, src.Anchors, src.Distrusted)
		}
	}
	var chain []*x509.Certificate // leaf first, as the server sent it
	if len(chain) > 0 {
		_, err = trust.Verify(context.Background(), store, chain, trust.VerifyOptions{ServerName: "example.com"})
		fmt.Println(err)
	}
}

// ExampleInstall shows, without changing anything, what installing a CA
// in the system store and every NSS database would run.
func ExampleInstall() {
	certs, err := trust.LoadCertificates("ca.pem")
	if err != nil {
		log.Fatal(err)
	}
	_, err = linux.Install(certs[0], trust.InstallOptions{
		Stores: []string{"system", "nss"},
		DryRun: true,
		Stdout: os.Stdout,
	})
	if err != nil {
		// A *linux.CmdError names the command and its output; after a real
		// change, an error wrapping trust.ErrNotInstalled says the store,
		// read back, does not show the certificate.
		log.Fatal(err)
	}
}

// ExampleLoad reads an explicit p11-kit trust path and an NSS database,
// without the host's other sources.
func ExampleLoad() {
	store, err := linux.Load(linux.Options{
		CertFiles:    []string{},
		CertDirs:     []string{},
		P11KitPaths:  []string{"/srv/trust"}, // anchors/ and blocklist/ inside
		IncludeNSS:   true,
		NSSDatabases: []string{"sql:/srv/nssdb"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(store)
}
