package darwin_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/nativetls/nativetls/darwin"
	"github.com/nativetls/nativetls/internal/testpki"
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

// Plan the trust of a company root in the admin trust settings without
// changing anything (DryRun); drop DryRun, and run as root, to apply it.
// Install reads the trust settings back afterwards and fails with
// trust.ErrNotInstalled if macOS does not show the change.
func ExampleInstall() {
	root := testpki.Root("Example Company Root", testpki.Options{NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}).Cert
	actions, err := darwin.Install(root, trust.InstallOptions{Scope: trust.ScopeSystem, DryRun: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range actions {
		fmt.Println(a)
	}
	// Output:
	// [keychain /Library/Keychains/System.keychain] add (certificate item Example Company Root)
	// [admin trust settings] set-trust (TrustRoot for sslServer and basicX509)
}
