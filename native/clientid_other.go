//go:build !windows && !darwin

package native

import "github.com/nativetls/nativetls/trust"

// listStoreIdentities lists the identities of an OS store URI; this
// platform has none.
func listStoreIdentities(scheme, spec string, _ []LoadOption) ([]trust.ClientIdentity, error) {
	return nil, unsupportedScheme(scheme, "Windows (capi:) and macOS (mackms:) store URIs")
}
