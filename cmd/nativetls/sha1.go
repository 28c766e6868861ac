package main

import "crypto/sha1"

// sha1Of returns a certificate thumbprint, the way Windows names certificates.
func sha1Of(der []byte) []byte {
	s := sha1.Sum(der)
	return s[:]
}
