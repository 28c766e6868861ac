//go:build !windows

package native

var capiScheme = unavailableScheme("capi",
	"identities of the Windows certificate store (CryptoAPI/CNG), which exists only on Windows",
	"Windows certificate stores exist only on Windows")
