package native_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nativetls/nativetls/internal/testpki"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// A program installs a CA exactly as `nativetls install` does, through the
// platform backend; DryRun plans the steps without changing anything. Here
// the Debian method on a file system under a temporary directory.
func ExampleBackend_install() {
	root, _ := os.MkdirTemp("", "example-root")
	defer os.RemoveAll(root)
	for _, d := range []string{"etc/ssl/certs", "usr/share/ca-certificates", "usr/local/share/ca-certificates"} {
		_ = os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	ca := testpki.Root("Example Company Root", testpki.Options{}).Cert

	actions, err := native.Backend().Install(ca, trust.InstallOptions{Root: root, Method: "debian", DryRun: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range actions {
		fmt.Println(a.Store, a.Op)
	}
	// Output:
	// system (debian) write
	// system (debian) run
}

// Capabilities tells a program (and `nativetls doctor` a person) which key,
// certificate and password schemes this binary can use on this machine.
func ExampleBackend_capabilities() {
	for _, c := range native.Backend().Capabilities() {
		if c.Name == "file" {
			fmt.Println(c.Name, c.Available)
		}
	}
	// Output:
	// file true
}
