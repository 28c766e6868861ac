package native_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// writeIdentity replaces path atomically (write, then rename) with a
// certificate and a key, as a certificate manager does on renewal.
func writeIdentity(path string, cert, key *testpki.Cert) {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(cert.PEM(), key.KeyPEM()...), 0o600); err != nil {
		log.Fatal(err)
	}
	// On Windows a rename over a file fails while a reader (here, the
	// watcher) has it open; renewal tools retry, and so does this one.
	var err error
	for range 50 {
		if err = os.Rename(tmp, path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	log.Fatal(err)
}

// A server whose certificate is renewed while it runs: the watcher puts the
// new certificate in service, and refuses a certificate written with a key
// it does not belong to, keeping the previous identity.
func ExampleWatchIdentity() {
	dir, err := os.MkdirTemp("", "watch-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ca := testpki.Root("Example CA", testpki.Options{})
	first := ca.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	path := filepath.Join(dir, "server.pem")
	writeIdentity(path, first, first)

	changed, refused := make(chan trust.CertificateChain, 4), make(chan error, 4)
	w, err := native.WatchIdentity(path, native.WatchOptions{
		Interval: 20 * time.Millisecond,
		OnChange: func(c trust.CertificateChain) { changed <- c },
		OnError:  func(err error) { refused <- err },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	// Serve with it: trust.DefaultConfiguration().WithIdentitySource(w).
	serial := func() string {
		id, err := w.Identity()
		if err != nil {
			log.Fatal(err)
		}
		return id.Certificates[0].SerialNumber.String()
	}
	before := serial()

	renewed := ca.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	writeIdentity(path, renewed, renewed)
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		fmt.Println("no change seen")
	}
	fmt.Println("serving serial changed:", serial() != before)

	other := ca.Leaf(testpki.Options{DNSNames: []string{"www.example.test"}})
	writeIdentity(path, other, renewed) // other's certificate, renewed's key
	select {
	case <-refused:
		fmt.Println("mismatched certificate and key refused")
	case <-changed:
		fmt.Println("mismatched pair served!")
	case <-time.After(10 * time.Second):
		fmt.Println("no error seen")
	}
	fmt.Println("still serving the renewed certificate:", serial() == renewed.Cert.SerialNumber.String())
	// Output:
	// serving serial changed: true
	// mismatched certificate and key refused
	// still serving the renewed certificate: true
}

// A client holding several certificates (a directory of PEM files here; a
// whole token with "pkcs11:token=…") sends, at each handshake, the one whose
// chain leads to a CA the server asks for. Keys of tokens and OS stores are
// opened only for the identity chosen.
func ExampleClientIdentities() {
	dir, err := os.MkdirTemp("", "clientid-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ca, port := exampleServer(trust.RequireClientCert) // accepts clients of "Example CA"
	other := testpki.Root("Other CA", testpki.Options{})
	for name, c := range map[string]*testpki.Cert{
		"a-other.pem":   other.Leaf(testpki.Options{DNSNames: []string{"other-client.example.test"}}),
		"b-example.pem": ca.Leaf(testpki.Options{DNSNames: []string{"client.example.test"}}),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), append(c.PEM(), c.KeyPEM()...), 0o600); err != nil {
			log.Fatal(err)
		}
	}

	ids, err := native.ClientIdentities([]string{dir})
	if err != nil {
		log.Fatal(err)
	}
	list, err := ids.ClientIdentities()
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range list {
		fmt.Println("identity:", id.Chain[0].Subject.CommonName, "in", filepath.Base(id.Source))
	}
	ctx, err := native.NewClientContext(trust.DefaultConfiguration().
		WithTrustStore(trust.FromCertificates("example CA", ca.Cert)).
		WithClientIdentities(ids))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exampleGet(ctx.HTTPClient(), "https://127.0.0.1:"+port+"/"))
	// Output:
	// identity: other-client.example.test in a-other.pem
	// identity: client.example.test in b-example.pem
	// HTTP/2.0 from client.example.test
}
