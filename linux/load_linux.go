package linux

import "github.com/nativetls/nativetls/trust"

// loadSources reads every source opts selects, in the documented order, and
// returns the anchors and a report for each source consulted or skipped.
func loadSources(opts *Options) ([]trust.Anchor, []trust.SourceReport, error) {
	plan := planBundles(opts)
	cache := certCache{}
	var anchors []trust.Anchor
	var reports []trust.SourceReport
	envSkip := ""
	if plan.envOverride != "" {
		envSkip = plan.envOverride + " set: replaces the system sources, as in Go and OpenSSL"
	}
	p11ok := false
	switch {
	case opts.DisableP11Kit:
		reports = append(reports, trust.SourceReport{Name: "p11-kit", Skipped: "disabled by Options.DisableP11Kit"})
	case envSkip != "":
		reports = append(reports, trust.SourceReport{Name: "p11-kit", Skipped: envSkip})
	default:
		wait := preparse(plan, cache)
		as, reps := loadP11Kit(opts, wait)
		if wait != nil {
			wait() // the cache is shared with the bundle source below
		}
		markPlatform(as) // the trust module is the OS's own configuration
		anchors = append(anchors, as...)
		reports = append(reports, reps...)
		p11ok = countTrustedAnchors(as) > 0
	}
	if p11ok && !plan.explicit() && !opts.AlwaysReadBundles {
		reports = append(reports, trust.SourceReport{Name: "bundle",
			Skipped: "the p11-kit trust module is the source of truth; the bundles are generated from its configuration (set Options.AlwaysReadBundles to read them too)"})
	} else {
		as, reps := loadBundles(plan, cache)
		if !plan.explicit() {
			// The distribution's own bundle; not SSL_CERT_FILE/SSL_CERT_DIR
			// or paths a program names, whose anchors get every check.
			markPlatform(as)
		}
		anchors = append(anchors, as...)
		reports = append(reports, reps...)
	}
	switch {
	case !opts.IncludeNSS:
		reports = append(reports, trust.SourceReport{Name: "nss", Skipped: "opt-in (Options.IncludeNSS): browsers, not the operating system, own NSS databases"})
	case envSkip != "":
		reports = append(reports, trust.SourceReport{Name: "nss", Skipped: envSkip})
	default:
		as, reps := loadNSS(opts)
		anchors = append(anchors, as...)
		reports = append(reports, reps...)
	}
	return anchors, reports, nil
}

// preparse parses the system bundle in the background while the p11-kit
// module parses its own copy of the same certificates (on p11-kit systems
// the bundle is extracted from the trust module's configuration), so the
// certificates the module returns are mostly already parsed. The returned
// function waits and hands over the cache; it is nil when there is nothing
// to pre-parse (explicit trust paths or bundle lists).
func preparse(plan bundlePlan, cache certCache) func() certCache {
	if plan.explicit() {
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, f := range plan.files {
			if _, err := readAnchorFile(f, cache); err == nil {
				return
			}
		}
	}()
	return func() certCache { <-done; return cache }
}

// markPlatform marks anchors as the operating system's own trust decision
// (trust.Anchor.Platform): the profile checks of the anchor's own
// extensions do not apply to them, as they do not on Windows and macOS.
func markPlatform(as []trust.Anchor) {
	for i := range as {
		as[i].Platform = true
	}
}
