package darwin

import (
	"bytes"
	"crypto/x509"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// checkReadBack decides whether the trust settings read after an Install
// (uninstalled false) or Uninstall (true) in domain d show the change.
// After Install, d must hold settings for cert that make it an anchor for
// TLS servers, and the domains together (prec) must list it trusted for
// server authentication: an admin Deny on macOS 11 and later overrides a
// user install. After Uninstall, d must hold no settings for cert. A
// change that is not visible wraps trust.ErrNotInstalled.
func checkReadBack(certs []certSettings, cert *x509.Certificate, d Domain, prec domainPrecedence, uninstalled bool) error {
	cs, found := findSettings(certs, cert.Raw)
	settings, inDomain := cs.Domains[d]
	if uninstalled {
		if found && inDomain {
			return fmt.Errorf("darwin: the %s trust settings still hold %d usage-constraint entries for it after the removal: %w", d, len(settings), trust.ErrNotInstalled)
		}
		return nil
	}
	if !found || !inDomain {
		return fmt.Errorf("darwin: the %s trust settings hold nothing for it after the change was reported done: %w", d, trust.ErrNotInstalled)
	}
	if v := isAnchorPerConstraints(settings, cs.SelfSigned, anchorContext(tsPolicySSLServer)); v != verdictAnchor {
		return fmt.Errorf("darwin: the %s trust settings hold %d usage-constraint entries for it, but they do not make it an anchor for TLS servers: %w", d, len(settings), trust.ErrNotInstalled)
	}
	if _, win, _ := cs.legacyConstraints(prec); win != d {
		return fmt.Errorf("darwin: the %s trust settings for it are overridden by the %s domain's, which macOS consults instead; remove those first (security remove-trusted-cert%s): %w",
			d, win, removeFlag(win), trust.ErrNotInstalled)
	}
	if dec := decideAnchor(cs, prec); !dec.Anchor || dec.Distrust || !servesTLS(dec.Purposes) {
		return fmt.Errorf("darwin: macOS does not list it as an anchor for TLS servers after the change: %w", trust.ErrNotInstalled)
	}
	return nil
}

// findSettings returns the settings read for der.
func findSettings(certs []certSettings, der []byte) (certSettings, bool) {
	for _, cs := range certs {
		if bytes.Equal(cs.DER, der) {
			return cs, true
		}
	}
	return certSettings{}, false
}

// servesTLS reports whether purposes (nil: any) include server auth.
func servesTLS(purposes []trust.Usage) bool {
	if purposes == nil {
		return true
	}
	for _, u := range purposes {
		if u == trust.UsageServerAuth {
			return true
		}
	}
	return false
}

// removeFlag is the flag of security remove-trusted-cert for domain d.
func removeFlag(d Domain) string {
	if d == DomainAdmin {
		return " -d"
	}
	return ""
}
