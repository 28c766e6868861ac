//go:build !unix

package pkcs11

import "io/fs"

// ownedByRootOrMe is false where ownership cannot be read the Unix way:
// there no file is trusted for its location alone, and modules must be
// allowed through Options.AllowedModules or $NATIVETLS_PKCS11_MODULES.
func ownedByRootOrMe(fs.FileInfo) bool { return false }
