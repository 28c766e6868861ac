package darwin

import (
	"syscall"

	"github.com/nativetls/nativetls/darwin/internal/sec"
	"github.com/nativetls/nativetls/trust"
)

// evaluate runs one SecTrustEvaluateWithError as planned.
func evaluate(p *verifyPlan) (evalResult, error) {
	if err := available(); err != nil {
		return evalResult{}, err
	}
	var rel releaser
	defer rel.release()
	certs, err := certArray(p.Certs)
	if err != nil {
		return evalResult{}, err
	}
	rel.add(certs)
	policies := rel.add(sec.CFArrayCreateMutable())
	sec.CFArrayAppendValue(policies, rel.add(policyRef(p.Policy, p.Hostname, &rel)))
	if p.Revocation != 0 {
		sec.CFArrayAppendValue(policies, rel.add(sec.SecPolicyCreateRevocation(p.Revocation)))
	}
	t, st := sec.SecTrustCreateWithCertificates(certs, policies)
	if err := statusErr("SecTrustCreateWithCertificates", st); err != nil {
		return evalResult{}, err
	}
	rel.add(t)
	if err := configureTrust(t, p, &rel); err != nil {
		return evalResult{}, err
	}
	ok, cfErr := sec.SecTrustEvaluateWithError(t)
	res := evalResult{Trusted: ok}
	if chain := rel.add(sec.SecTrustCopyCertificateChain(t)); chain != 0 {
		res.Chain = arrayCertDERs(chain)
	}
	if !ok {
		res.Failure = failureOf(t, cfErr)
	} else {
		if cfErr != 0 {
			sec.CFRelease(cfErr)
		}
		if tracing() {
			res.Failure.Raw = copyResult(t)
		}
	}
	trace(p, res)
	return res, nil
}

// policyRef makes the SecPolicy of a policyKind (Create rule).
func policyRef(k policyKind, hostname string, rel *releaser) sec.Ref {
	switch k {
	case policySSLServer:
		var name sec.Ref
		if hostname != "" {
			name = rel.add(sec.CFStringCreate(hostname))
		}
		return sec.SecPolicyCreateSSL(true, name)
	case policySSLClient:
		return sec.SecPolicyCreateSSL(false, 0)
	}
	return sec.SecPolicyCreateBasicX509()
}

// configureTrust applies date, network, staple and anchors.
func configureTrust(t sec.Ref, p *verifyPlan, rel *releaser) error {
	if !p.Date.IsZero() {
		if err := statusErr("SecTrustSetVerifyDate", sec.SecTrustSetVerifyDate(t, rel.add(cfDate(p.Date)))); err != nil {
			return err
		}
	}
	if err := statusErr("SecTrustSetNetworkFetchAllowed", sec.SecTrustSetNetworkFetchAllowed(t, p.NetworkFetch)); err != nil {
		return err
	}
	if len(p.OCSP) > 0 {
		if err := statusErr("SecTrustSetOCSPResponse", sec.SecTrustSetOCSPResponse(t, rel.add(sec.CFDataCreate(p.OCSP)))); err != nil {
			return err
		}
	}
	if len(p.Anchors) > 0 {
		anchors, err := certArray(p.Anchors)
		if err != nil {
			return err
		}
		rel.add(anchors)
		if err := statusErr("SecTrustSetAnchorCertificates", sec.SecTrustSetAnchorCertificates(t, anchors)); err != nil {
			return err
		}
		if err := statusErr("SecTrustSetAnchorCertificatesOnly", sec.SecTrustSetAnchorCertificatesOnly(t, false)); err != nil {
			return err
		}
	}
	return nil
}

// failureOf reads the CFError (releasing it) and the result details.
func failureOf(t, cfErr sec.Ref) evalFailure {
	var f evalFailure
	if cfErr != 0 {
		desc := sec.CFErrorCopyDescription(cfErr)
		f.Code = int64(sec.CFErrorGetCode(cfErr))
		f.Domain = sec.CFStringGo(sec.CFErrorGetDomain(cfErr))
		f.Description = sec.CFStringGo(desc)
		sec.CFRelease(desc)
		sec.CFRelease(cfErr)
	} else {
		f.Code = -67843 // errSecNotTrusted: the call failed without saying why
	}
	if d, ok := copyResult(t).(map[string]any); ok {
		f.Details, f.StatusCodes = resultDetails(d)
		f.Raw = d
	}
	return f
}

// copyResult returns SecTrustCopyResult converted to Go.
func copyResult(t sec.Ref) any {
	res := sec.SecTrustCopyResult(t)
	if res == 0 {
		return nil
	}
	defer sec.CFRelease(res)
	return toGo(res)
}

// currentPrecedence reads the Darwin release (kern.osrelease) to decide
// which trust-settings domain wins.
func currentPrecedence() domainPrecedence {
	rel, _ := syscall.Sysctl("kern.osrelease")
	return precedenceForDarwin(rel)
}

// readTrustSettings reads the system anchors and the admin and user
// trust-settings domains.
func readTrustSettings() ([]certSettings, []trust.SourceReport, error) {
	if err := available(); err != nil {
		return nil, nil, err
	}
	var entries []domainEntry
	var reports []trust.SourceReport
	sys, st := sec.SecTrustCopyAnchorCertificates()
	rep := trust.SourceReport{Name: "system-roots", Path: "SecTrustCopyAnchorCertificates"}
	if err := statusErr("SecTrustCopyAnchorCertificates", st); err != nil {
		rep.Err = err
	} else {
		for _, der := range arrayCertDERs(sys) {
			entries = append(entries, domainEntry{Domain: DomainSystem, DER: der, Settings: []trustSetting{}})
		}
		rep.Anchors = sec.CFArrayGetCount(sys)
		sec.CFRelease(sys)
	}
	reports = append(reports, rep)
	for _, d := range []Domain{DomainAdmin, DomainUser} {
		es, rep := readDomain(d)
		entries = append(entries, es...)
		reports = append(reports, rep)
	}
	return mergeSettings(entries), reports, nil
}

// readDomain reads every certificate with trust settings in one domain.
func readDomain(d Domain) ([]domainEntry, trust.SourceReport) {
	rep := trust.SourceReport{Name: d.String() + "-trust-settings", Path: "SecTrustSettingsCopyCertificates(" + d.String() + ")"}
	arr, st := sec.SecTrustSettingsCopyCertificates(uint32(d))
	if st == -25263 { // errSecNoTrustSettings: the domain is empty
		return nil, rep
	}
	if err := statusErr("SecTrustSettingsCopyCertificates", st); err != nil {
		rep.Err = err
		return nil, rep
	}
	defer sec.CFRelease(arr)
	var out []domainEntry
	for i := 0; i < sec.CFArrayGetCount(arr); i++ {
		c := sec.CFArrayGetValueAtIndex(arr, i)
		settings, err := copySettings(c, d)
		if err != nil {
			rep.Err = err
			continue
		}
		e := domainEntry{Domain: d, DER: certDER(c), Settings: settings}
		out = append(out, e)
		switch isAnchorPerConstraints(settings, selfSignedDER(e.DER), anchorContext(tsPolicySSLServer)) {
		case verdictDeny:
			rep.Distrusted++
		case verdictAnchor:
			rep.Anchors++
		}
	}
	return out, rep
}

// copySettings reads and parses one certificate's usage constraints.
func copySettings(c sec.Ref, d Domain) ([]trustSetting, error) {
	ts, st := sec.SecTrustSettingsCopyTrustSettings(c, uint32(d))
	if err := statusErr("SecTrustSettingsCopyTrustSettings", st); err != nil {
		return nil, err
	}
	defer sec.CFRelease(ts)
	raw, _ := toGo(ts).([]any)
	var arr []map[string]any
	for _, v := range raw {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &StatusError{Op: "SecTrustSettingsCopyTrustSettings", Code: -25262, Description: "a usage-constraints entry is not a dictionary"}
		}
		arr = append(arr, m)
	}
	return parseTrustSettings(arr)
}
