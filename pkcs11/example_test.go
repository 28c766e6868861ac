package pkcs11_test

import (
	"crypto/tls"
	"fmt"
	"log"

	"github.com/nativetls/nativetls/pkcs11"
)

func ExampleParseURI() {
	u, err := pkcs11.ParseURI("pkcs11:token=web;object=server%20key;id=%01?pin-source=/etc/web.pin")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Token, u.Object, u.ID, u.PINSource)
	fmt.Println(u)
	// Output:
	// web server key [1] /etc/web.pin
	// pkcs11:token=web;object=server%20key;id=%01?pin-source=/etc/web.pin
}

func ExampleLoadTLSCertificate() {
	// The URI alone names the module, token, key (and its certificate
	// chain, stored on the token with the key's CKA_ID) and PIN file.
	cert, err := pkcs11.LoadTLSCertificate("pkcs11:token=web;object=server?module-name=softhsm2&pin-source=/etc/web.pin", nil)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := tls.Listen("tcp", ":8443", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
}

func ExampleOpenKey() {
	key, err := pkcs11.OpenKey("pkcs11:token=web;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/etc/web.pin", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer key.Close()
	fmt.Println(key.URI(), key.SupportedSignatureSchemes())
}

func ExampleLoadModule() {
	// Read the anchors p11-kit's trust module serves from a directory.
	m, err := pkcs11.LoadModule("/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so", "paths=/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	slots, err := m.Slots(true)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range slots {
		const (
			ckoCertificate = 0x1        // CKO_CERTIFICATE
			ckaValue       = 0x11       // CKA_VALUE
			ckaTrusted     = 0x86       // CKA_TRUSTED
			ckaXDistrusted = 0xD8444764 // p11-kit's CKA_X_DISTRUSTED
		)
		objs, err := m.FindObjects(s.ID, ckoCertificate, []uint{ckaValue, ckaTrusted, ckaXDistrusted})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.Token.Label, len(objs))
	}
}
