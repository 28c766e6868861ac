package darwin_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/trust"
)

// Verify a server's chain the way Safari would.
func ExampleSystem() {
	store, err := darwin.System()
	if errors.Is(err, darwin.ErrUnsupported) {
		fmt.Println("not macOS")
		return
	}
	var presented []*x509.Certificate // from the TLS handshake, leaf first
	_, err = trust.Verify(context.Background(), store, presented, trust.VerifyOptions{ServerName: "example.com"})
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Reason, ve.PlatformCodeName)
	}
}

// Sign with a keychain identity without exporting its key.
func ExampleOpenKey() {
	key, err := darwin.OpenKey("mackms:label=server.example.com", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer key.Close()
	digest := sha256.Sum256([]byte("hello"))
	sig, err := key.Sign(nil, digest[:], crypto.SHA256)
	fmt.Println(len(sig) > 0, err, key.SupportedSignatureSchemes())
}

func ExampleParseKeyURI() {
	u, err := darwin.ParseKeyURI("mackms:label=my-key;tag=com.example;se=true")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Label, u.Tag, u.SecureEnclave)
	_, err = darwin.ParseKeyURI("mackms:label=a;colour=red")
	fmt.Println(errors.Is(err, darwin.ErrInvalidURI))
	// Output:
	// my-key com.example true
	// true
}
