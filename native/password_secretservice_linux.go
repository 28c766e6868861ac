package native

import (
	"errors"
	"fmt"

	"github.com/keybase/go-keychain/secretservice"
)

// secretStorePassword reads a password from the freedesktop Secret Service
// (GNOME Keyring, KWallet) over the session D-Bus: the item of the default
// collection with attributes service=SERVICE and account=ACCOUNT.
func secretStorePassword(service, account string) ([]byte, error) {
	ss, err := secretservice.NewService()
	if err != nil {
		return nil, fmt.Errorf("%w: the Secret Service could not be reached over D-Bus (is a keyring daemon running in this session?): %v", ErrNoSecretStore, err)
	}
	session, err := ss.OpenSession(secretservice.AuthenticationDHAES)
	if err != nil {
		return nil, fmt.Errorf("secret service: open session: %w", err)
	}
	defer ss.CloseSession(session)
	items, err := ss.SearchCollection(secretservice.DefaultCollection,
		secretservice.Attributes{"service": service, "account": account})
	if err != nil {
		return nil, fmt.Errorf("secret service: search: %w", err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no Secret Service item with service=%q account=%q (store one with: secret-tool store --label=nativetls service %s account %s)", service, account, service, account)
	}
	if err := ss.Unlock(items[:1]); err != nil {
		return nil, fmt.Errorf("secret service: unlock: %w", err)
	}
	pw, err := ss.GetSecret(items[0], *session)
	if err != nil {
		return nil, fmt.Errorf("secret service: %w", err)
	}
	if pw == nil {
		return nil, errors.New("secret service: the secret could not be decrypted")
	}
	return pw, nil
}

const (
	secretStoreAvailable = true
	secretStoreNote      = "freedesktop Secret Service over the session D-Bus; needs a keyring daemon at run time"
)
