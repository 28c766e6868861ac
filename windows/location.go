package windows

import (
	"fmt"
	"strings"
)

// Location is a system certificate store location.
//
// The zero Location is CurrentUser.
type Location int

// Store locations.
const (
	CurrentUser  Location = iota // HKEY_CURRENT_USER stores (CERT_SYSTEM_STORE_CURRENT_USER)
	LocalMachine                 // HKEY_LOCAL_MACHINE stores (CERT_SYSTEM_STORE_LOCAL_MACHINE); writing needs administrator rights
)

// Well-known system store names.
const (
	StoreRoot       = "ROOT"       // trusted root certification authorities
	StoreAuthRoot   = "AuthRoot"   // third-party roots (Windows root auto-update)
	StoreCA         = "CA"         // intermediate certification authorities
	StoreDisallowed = "Disallowed" // explicitly distrusted certificates
	StoreMy         = "MY"         // personal certificates with private keys
)

// String returns "CurrentUser" or "LocalMachine".
func (l Location) String() string {
	switch l {
	case CurrentUser:
		return "CurrentUser"
	case LocalMachine:
		return "LocalMachine"
	}
	return fmt.Sprintf("Location(%d)", int(l))
}

// flags returns the CERT_SYSTEM_STORE_* location bits.
func (l Location) flags() (uint32, error) {
	switch l {
	case CurrentUser:
		return certSystemStoreCurrentUser, nil
	case LocalMachine:
		return certSystemStoreLocalMachine, nil
	}
	return 0, fmt.Errorf("windows: unknown store location %d (use CurrentUser or LocalMachine)", int(l))
}

// ParseLocation accepts "CurrentUser"/"user" and "LocalMachine"/"machine"
// (case-insensitive), the spellings of certutil, PowerShell's Cert: drive
// and smallstep's capi URIs.
func ParseLocation(s string) (Location, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "currentuser", "user", "current-user":
		return CurrentUser, nil
	case "localmachine", "machine", "local-machine":
		return LocalMachine, nil
	}
	return 0, fmt.Errorf("windows: unknown store location %q (use user/CurrentUser or machine/LocalMachine)", s)
}

// Source names a store for trust.Anchor.Source, e.g.
// "windows:CurrentUser/ROOT".
func Source(l Location, store string) string {
	return "windows:" + l.String() + "/" + store
}

// CERT_SYSTEM_STORE_* location bits (wincrypt.h), kept here so that the
// portable code can build flags.
const (
	certSystemStoreCurrentUser  = 0x00010000 // CERT_SYSTEM_STORE_CURRENT_USER
	certSystemStoreLocalMachine = 0x00020000 // CERT_SYSTEM_STORE_LOCAL_MACHINE
)
