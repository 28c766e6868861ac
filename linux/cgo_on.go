//go:build cgo

package linux

// cgoEnabled reports whether PKCS#11 modules (p11-kit, NSS) can be loaded.
const cgoEnabled = true
