//go:build !darwin

package native

var mackmsScheme = unavailableScheme("mackms",
	"identities of the macOS keychain (Security.framework), which exists only on macOS",
	"the macOS keychain exists only on macOS")
