//go:build !windows && !darwin

package main

// platformIdentities lists the identities of OS key stores this platform has
// besides PKCS#11: none.
func platformIdentities() []storeKeys { return nil }
