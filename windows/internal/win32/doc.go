// Package win32 holds the raw crypt32 and ncrypt calls of package windows:
// one short function per Win32 call, named after it, with the SDK constant
// names in comments. It decides nothing; every decision lives in package
// windows, where the portable parts are tested on any OS.
//
// Calls that golang.org/x/sys/windows already binds are wrapped thinly so
// that package windows imports one place; the others are bound here through
// lazy system-DLL procs.
package win32
