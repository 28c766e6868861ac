// Package hook lets trust/insecure change the unexported fields of
// trust.Configuration that turn security off, so that the public trust API
// has no such methods. Only trust sets these variables, in its init.
package hook

// DisableValidation returns a copy of a trust.Configuration (passed as any)
// with certificate validation off.
var DisableValidation func(cfg any) any

// DisableHostnameCheck returns a copy of a trust.Configuration with the
// client's hostname check off.
var DisableHostnameCheck func(cfg any) any
