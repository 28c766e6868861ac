//go:build darwin && cgo

package native

import (
	"fmt"

	"github.com/keybase/go-keychain"
)

// secretStorePassword reads a generic password from the macOS keychain.
func secretStorePassword(service, account string) ([]byte, error) {
	pw, err := keychain.GetGenericPassword(service, account, "", "")
	if err != nil {
		return nil, fmt.Errorf("keychain: %w", err)
	}
	if pw == nil {
		return nil, fmt.Errorf("no keychain generic password with service %q and account %q (add one with: security add-generic-password -s %s -a %s -w)", service, account, service, account)
	}
	return pw, nil
}

const (
	secretStoreAvailable = true
	secretStoreNote      = "macOS keychain generic passwords (cgo)"
)
