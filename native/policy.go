package native

import (
	"fmt"
	"os"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// Names of the policy's environment variables and the default file.
const (
	// envVerify is the environment variable of the switch: "0" or "1".
	envVerify = "NATIVETLS_VERIFY"
	// envIgnoreEnvironment, when set to a non-empty value, makes the process
	// ignore envVerify and the policy file (like `python -E`).
	envIgnoreEnvironment = "NATIVETLS_IGNORE_ENVIRONMENT"
	// envVerifyConf overrides the policy file's path. It exists as a hook
	// for tests and is ignored, like envVerify, under setuid/setgid and
	// envIgnoreEnvironment.
	envVerifyConf = "NATIVETLS_VERIFY_CONF"
)

// VerifySetting is the value of the process-wide switch.
type VerifySetting int

// Settings of the switch; the zero value leaves verification on.
const (
	VerifyPlatformDefault VerifySetting = iota // configurations decide; the default is to verify
	VerifyEnable                               // verification on for default configurations
	VerifyDisable                              // verification off for default configurations
)

// String returns "platform_default", "enable" or "disable", the words of the
// policy file.
func (s VerifySetting) String() string {
	switch s {
	case VerifyEnable:
		return "enable"
	case VerifyDisable:
		return "disable"
	default:
		return "platform_default"
	}
}

// VerifyPolicy is the process-wide verification switch (in the spirit of
// PEP 493) as it is in effect, and where it came from (see Policy). Whoever
// runs a program can turn verification off, for a migration period, for
// the contexts it builds from the default configuration:
//
//   - the environment variable NATIVETLS_VERIFY: "0" off, "1" on;
//   - else the file /etc/nativetls/verify.conf (%ProgramData%\nativetls\verify.conf
//     on Windows): "verify = enable|disable|platform_default", optionally
//     under "[https]"; lines starting with '#' or ';' are comments.
//
// Both are ignored under setuid/setgid and when NATIVETLS_IGNORE_ENVIRONMENT
// is non-empty. A configuration that asks for verification in any way (a
// validation option, trust store, pin or verify callback, or a server asking
// for client certificates) is never affected. Turning verification off
// warns once per process on stderr and calls the SetPolicyWarningHook hook.
type VerifyPolicy struct {
	// Setting is the effective setting.
	Setting VerifySetting
	// Source says where Setting came from: "default", the policy file's
	// path, or "environment NATIVETLS_VERIFY".
	Source string
	// Ignored, when not empty, says why the environment and the file were
	// not consulted (setuid/setgid, NATIVETLS_IGNORE_ENVIRONMENT).
	Ignored string
	// Problems lists settings that were present but not understood (an
	// unknown NATIVETLS_VERIFY value, a malformed or unreadable file); they
	// were ignored, which keeps verification on.
	Problems []string
}

// Verify reports whether default configurations validate certificates
// under this policy.
func (p VerifyPolicy) Verify() bool { return p.Setting != VerifyDisable }

// String describes the policy in one line, e.g.
// "verification disabled by environment NATIVETLS_VERIFY".
func (p VerifyPolicy) String() string {
	var s string
	switch p.Setting {
	case VerifyDisable:
		s = "verification disabled for default configurations by " + p.Source
	case VerifyEnable:
		s = "verification enabled by " + p.Source
	default:
		s = "verification on (platform default"
		if p.Source != "default" {
			s += ", set by " + p.Source
		}
		s += ")"
	}
	if p.Ignored != "" {
		s += "; environment and policy file ignored: " + p.Ignored
	}
	return s
}

var (
	policyMu       sync.Mutex
	policyOnce     sync.Once
	policyValue    VerifyPolicy
	policyWarnOnce sync.Once
	policyHook     func(VerifyPolicy)
	// policyStderr is where the one-time warning goes.
	policyStderr = func(msg string) { fmt.Fprintln(os.Stderr, msg) }
	// policyLookup reads the environment, policyIDs the process identity;
	// both are variables so tests can replace them.
	policyLookup = os.LookupEnv
	policyIDs    = func() (uid, euid, gid, egid int) {
		return os.Getuid(), os.Geteuid(), os.Getgid(), os.Getegid()
	}
)

// Policy returns the process-wide verification policy, evaluated once, on
// first use (here or by the first context); later changes are not seen.
func Policy() VerifyPolicy {
	policyOnce.Do(func() { policyValue = evaluatePolicy() })
	return policyValue
}

// SetPolicyWarningHook sets a function called once, besides the warning on
// stderr, when the first context is built with verification switched off (or
// a switch value not understood). Set it before building contexts; nil
// removes it.
func SetPolicyWarningHook(hook func(VerifyPolicy)) {
	policyMu.Lock()
	defer policyMu.Unlock()
	policyHook = hook
}

// validationEnabled reports whether a context built from cfg validates
// peer certificates, applying the process-wide policy only to
// configurations that did not ask for verification (verificationRequested).
func validationEnabled(cfg trust.Configuration) bool {
	if !cfg.ValidateCertificates() {
		return false
	}
	if verificationRequested(cfg) {
		return true
	}
	p := Policy()
	if p.Setting == VerifyDisable || len(p.Problems) > 0 {
		warnPolicy(p)
	}
	return p.Verify()
}

// verificationRequested reports whether cfg asked for verification in a way
// the process-wide switch must not override: validation set explicitly, a
// trust store, pins, a verify callback, or a server asking for client
// certificates.
func verificationRequested(cfg trust.Configuration) bool {
	return cfg.ValidationExplicit() || cfg.ClientAuth() != trust.NoClientCert ||
		cfg.TrustStore() != nil || len(cfg.Pins()) > 0 || cfg.VerifyCallback() != nil
}

// warnPolicy emits the one-time warning.
func warnPolicy(p VerifyPolicy) {
	policyWarnOnce.Do(func() {
		msg := "nativetls: warning: " + p.String()
		if p.Setting == VerifyDisable {
			msg += "; TLS connections of this process accept any certificate (PEP 493 migration switch: unset " + envVerify + " or fix the policy file to restore verification)"
		}
		for _, pr := range p.Problems {
			msg += "\nnativetls: warning: ignored: " + pr
		}
		policyStderr(msg)
		policyMu.Lock()
		hook := policyHook
		policyMu.Unlock()
		if hook != nil {
			hook(p)
		}
	})
}

// resetPolicy forgets the evaluated policy and the warning; for tests only.
func resetPolicy() {
	policyOnce = sync.Once{}
	policyWarnOnce = sync.Once{}
	policyValue = VerifyPolicy{}
}
