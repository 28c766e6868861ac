//go:build !linux && !(darwin && cgo)

package native

import (
	"fmt"
	"runtime"
)

// secretStorePassword has no secret store to read: the macOS keychain needs
// cgo (github.com/keybase/go-keychain), the Secret Service is Linux's.
func secretStorePassword(service, account string) ([]byte, error) {
	why := "this operating system has no secret store this package supports"
	if runtime.GOOS == "darwin" {
		why = "the macOS keychain needs cgo and this binary was built with CGO_ENABLED=0"
	}
	return nil, fmt.Errorf("%w (%s); use env:, file: or a callback instead", ErrNoSecretStore, why)
}

const secretStoreAvailable = false

// secretStoreNote says why there is no secret store.
var secretStoreNote = func() string {
	if runtime.GOOS == "darwin" {
		return "the macOS keychain needs cgo and this binary was built with CGO_ENABLED=0"
	}
	return "no secret store this package supports on " + runtime.GOOS
}()
