package native

import (
	"fmt"
	"os"
	"sync"

	"github.com/nativetls/nativetls/trust"
)

// Names of the policy's environment variables and the default file.
const (
	// EnvVerify is the environment variable of the switch: "0" or "1".
	EnvVerify = "NATIVETLS_VERIFY"
	// EnvIgnoreEnvironment, when set to a non-empty value, makes the process
	// ignore EnvVerify and the policy file (like `python -E`).
	EnvIgnoreEnvironment = "NATIVETLS_IGNORE_ENVIRONMENT"
	// EnvVerifyConf overrides the policy file's path. It exists as a hook
	// for tests and is ignored, like EnvVerify, under setuid/setgid and
	// EnvIgnoreEnvironment.
	EnvVerifyConf = "NATIVETLS_VERIFY_CONF"
)

// VerifySetting is the value of the process-wide switch.
type VerifySetting int

// Settings of the switch. The zero value, VerifyPlatformDefault, leaves
// verification as the configuration says (on by default).
const (
	VerifyPlatformDefault VerifySetting = iota // configurations decide; the default is to verify
	VerifyEnable                               // verification on for default configurations
	VerifyDisable                              // verification off for default configurations (see VerifyPolicy for which are exempt)
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

// VerifyPolicy is the effective process-wide verification policy and where it
// came from (see Policy).
//
// The process-wide verification switch is in the spirit of PEP 493.
// A program that builds its contexts from the default configuration (one
// that sets no validation option, trust store, pin or verify callback) can
// have verification turned off, for a migration period, by whoever runs it:
//
//   - the environment variable NATIVETLS_VERIFY: "0" turns verification off,
//     "1" turns it on (overriding the file);
//   - the system-wide file /etc/nativetls/verify.conf
//     (%ProgramData%\nativetls\verify.conf on Windows) holding one line
//     "verify = enable", "verify = disable" or "verify = platform_default",
//     optionally under an "[https]" section header as in PEP 493; blank lines
//     and lines starting with '#' or ';' are ignored.
//
// The environment wins over the file. Both are ignored entirely when the
// process runs setuid or setgid, or when NATIVETLS_IGNORE_ENVIRONMENT is set
// to any non-empty value (the analogue of `python -E`).
//
// The switch changes only the default configuration. A configuration that
// asked for verification in any way is never affected: one that sets
// validation explicitly (WithCertificateValidation), a trust store
// (WithTrustStore), pins (WithPins) or a verify callback
// (WithVerifyCallback), and servers that ask for client certificates. So
// the switch never skips a trust store the program chose, a pin or a
// callback: it only relaxes what the program left entirely to the defaults.
//
// Using the switch to turn verification off prints one warning per process on
// stderr and calls the hook set with SetPolicyWarningHook, the first time a
// context is built under it. Policy reports the effective setting and its
// source for feature detection and audits.
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

// Verify reports whether default configurations (those that did not ask
// for verification explicitly, see VerifyPolicy) validate certificates
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

// Policy returns the effective process-wide verification policy. It is
// evaluated once, on first use (by this function or by the first context),
// and does not change afterwards: later changes to the environment or the
// file are not seen.
func Policy() VerifyPolicy {
	policyOnce.Do(func() { policyValue = evaluatePolicy() })
	return policyValue
}

// SetPolicyWarningHook sets a function called once per process, besides the
// warning on stderr, the first time a context is built whose verification the
// switch turned off (or when the switch holds a value that was not
// understood). Set it before building contexts; nil removes it.
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
			msg += "; TLS connections of this process accept any certificate (PEP 493 migration switch: unset " + EnvVerify + " or fix the policy file to restore verification)"
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
