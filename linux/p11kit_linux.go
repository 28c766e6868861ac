package linux

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"

	"github.com/nativetls/nativetls/internal/p11raw"
)

// p11KitModuleCandidates are the usual locations of p11-kit's trust module
// across distributions (Debian multiarch, Fedora/openSUSE lib64, Arch,
// Alpine).
var p11KitModuleCandidates = []string{
	"/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so",
	"/usr/lib/aarch64-linux-gnu/pkcs11/p11-kit-trust.so",
	"/usr/lib/arm-linux-gnueabihf/pkcs11/p11-kit-trust.so",
	"/usr/lib/i386-linux-gnu/pkcs11/p11-kit-trust.so",
	"/usr/lib64/pkcs11/p11-kit-trust.so",
	"/usr/lib/pkcs11/p11-kit-trust.so",
	"/usr/lib64/p11-kit-trust.so",
	"/usr/lib/p11-kit-trust.so",
}

// findP11KitModule returns the trust module path, or "" when none exists.
func findP11KitModule(opts *Options) string {
	return findModule(opts.P11KitModule, p11KitModuleCandidates, "/usr/lib/*/pkcs11/p11-kit-trust.so")
}

// findModule returns the module the options name (override), else the
// first of candidates that exists, else the first match of glob, else "".
func findModule(override string, candidates []string, glob string) string {
	if override != "" {
		return override
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if m, _ := filepath.Glob(glob); len(m) > 0 {
		return m[0]
	}
	return ""
}

// p11KitInitArgs returns the module's initialization string.
func p11KitInitArgs(opts *Options) string {
	if opts.P11KitPaths == nil {
		return ""
	}
	return "paths=" + strings.Join(opts.P11KitPaths, ":")
}

// closing tracks p11-kit module handles being closed in the background:
// C_Finalize of the trust module frees every parsed object (a few
// milliseconds on a full system bundle), which need not delay the first
// load. A later load waits for it, so it never shares a stale instance.
var closing sync.Mutex

// loadP11Kit reads every token of the p11-kit trust module. cache, if
// non-nil, is waited for and used to reuse certificates parsed
// concurrently from the system bundle.
func loadP11Kit(opts *Options, cache func() certCache) ([]trust.Anchor, []trust.SourceReport) {
	rep := trust.SourceReport{Name: "p11-kit"}
	path := findP11KitModule(opts)
	if path == "" {
		rep.Skipped = "p11-kit-trust.so not found (install p11-kit-modules or set Options.P11KitModule)"
		return nil, []trust.SourceReport{rep}
	}
	rep.Path = path
	initArgs := p11KitInitArgs(opts)
	closing.Lock() // wait for a background close of an earlier load
	closing.Unlock()
	res, reports, err := readTrustModule(path, initArgs, "p11-kit", cache, true, !opts.P11KitFullRead)
	if err != nil {
		rep.Err = &SourceError{Source: "p11-kit", Path: path, Err: err}
		return nil, []trust.SourceReport{rep}
	}
	if len(reports) == 0 {
		rep.Err = &SourceError{Source: "p11-kit", Path: path, Err: fmt.Errorf("the module has no token (no trust paths configured%s)", argsNote(initArgs))}
		return nil, []trust.SourceReport{rep}
	}
	return res, reports
}

func argsNote(initArgs string) string {
	if initArgs == "" {
		return ""
	}
	return "; initialized with " + initArgs
}

// readTrustModule loads a PKCS#11 trust module, reads the trust objects of
// every token and returns the anchors and one report per token. name
// prefixes sources ("p11-kit", "nss").
func readTrustModule(path, initArgs, name string, cache func() certCache, closeAsync, fast bool) ([]trust.Anchor, []trust.SourceReport, error) {
	mod, err := pkcs11.LoadModule(path, initArgs)
	if err != nil {
		return nil, nil, err
	}
	if closeAsync {
		defer func() {
			closing.Lock() // held until the close finishes (unlocked by the goroutine)
			go func() {
				defer closing.Unlock()
				mod.Close()
			}()
		}()
	} else {
		defer mod.Close()
	}
	slots, err := mod.Slots(true)
	if err != nil {
		return nil, nil, err
	}
	if fast {
		if files, ok := plainPEMTokens(slots); ok {
			c := certCache{}
			if cache != nil {
				c = cache()
			}
			anchors, reports := readPlainPEMTokens(path, name, slots, files, c)
			return anchors, reports, nil
		}
	}
	var anchors []trust.Anchor
	var reports []trust.SourceReport
	for _, sl := range slots {
		label := sl.Token.Label
		t, err := readTokenObjects(mod, sl.ID, name+":"+label)
		rep := trust.SourceReport{Name: name, Path: tokenPath(path, sl)}
		if err != nil {
			rep.Err = &SourceError{Source: name, Path: rep.Path, Err: err}
			reports = append(reports, rep)
			continue
		}
		if cache != nil {
			t.cache = cache()
		}
		res := anchorsFromTokenObjects(t)
		countInto(&rep, res.anchors)
		if len(res.errs) > 0 {
			rep.Err = &SourceError{Source: name, Path: rep.Path, Err: joinErrs(res.errs)}
		}
		reports = append(reports, rep)
		anchors = append(anchors, res.anchors...)
	}
	return anchors, reports, nil
}

// tokenPath describes a token for reports: the slot description (p11-kit
// puts the trust path there), the token label and the module.
func tokenPath(module string, sl pkcs11.Slot) string {
	s := fmt.Sprintf("token %q", sl.Token.Label)
	if sl.Description != "" && sl.Description != sl.Token.Label {
		s += " (" + sl.Description + ")"
	}
	return s + " in " + module
}

// readTokenObjects reads the certificate, trust, stapled extension and
// trust assertion objects of one token.
func readTokenObjects(mod *pkcs11.Module, slot uint, source string) (tokenObjects, error) {
	t := tokenObjects{source: source}
	find := func(class uint, want []uint) ([]pkcs11.Object, error) {
		return mod.FindObjects(slot, class, want)
	}
	var err error
	if t.certs, err = find(p11raw.CKO_CERTIFICATE, certAttrs); err != nil {
		return t, err
	}
	if t.trusts, err = find(p11raw.CKO_NSS_TRUST, trustAttrs); err != nil {
		return t, err
	}
	if t.exts, err = find(p11raw.CKO_X_CERTIFICATE_EXTENSION, extAttrs); err != nil {
		return t, err
	}
	if len(t.trusts) == 0 {
		// Trust assertions are p11-kit's retired form of the same
		// decisions; read them only from modules that serve no NSS trust.
		if t.assertions, err = find(p11raw.CKO_X_TRUST_ASSERTION, assertionAttrs); err != nil {
			return t, err
		}
	}
	return t, nil
}

// joinErrs joins per-object errors into one, keeping each.
func joinErrs(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return &multiError{errs: errs}
}

type multiError struct{ errs []error }

func (m *multiError) Error() string {
	parts := make([]string, len(m.errs))
	for i, e := range m.errs {
		parts[i] = e.Error()
	}
	return fmt.Sprintf("%d entries could not be used (the others were): %s", len(m.errs), strings.Join(parts, "; "))
}

func (m *multiError) Unwrap() []error { return m.errs }
