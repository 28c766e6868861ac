package linux

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// nssModuleCandidates are the usual locations of NSS's softoken.
var nssModuleCandidates = []string{
	"/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
	"/usr/lib/x86_64-linux-gnu/nss/libsoftokn3.so",
	"/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
	"/usr/lib/aarch64-linux-gnu/nss/libsoftokn3.so",
	"/usr/lib64/libsoftokn3.so",
	"/usr/lib/libsoftokn3.so",
	"/usr/lib/nss/libsoftokn3.so",
}

// findNSSModule returns the softoken path, or "" when none exists.
func findNSSModule(opts *Options) string {
	return findModule(opts.NSSModule, nssModuleCandidates, "/usr/lib/*/libsoftokn3.so")
}

// nssDatabases returns the database directories to read and whether they
// are defaults (missing defaults are skipped quietly).
func nssDatabases(opts *Options) ([]string, bool) {
	if opts.NSSDatabases != nil {
		dirs := make([]string, len(opts.NSSDatabases))
		for i, d := range opts.NSSDatabases {
			dirs[i] = strings.TrimPrefix(d, "sql:")
		}
		return dirs, false
	}
	home := opts.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	dirs := []string{"/etc/pki/nssdb"}
	if home != "" {
		dirs = append(dirs, filepath.Join(home, ".pki", "nssdb"))
	}
	return dirs, true
}

// nssInitArgs is the softoken's initialization string for a read-only
// shared (sql:) database.
func nssInitArgs(dir string) string {
	return fmt.Sprintf("configdir='sql:%s' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly", dir)
}

// loadNSS reads each NSS database in turn. The softoken can be initialized
// once per process at a time, so databases are opened one after another.
func loadNSS(opts *Options) ([]trust.Anchor, []trust.SourceReport) {
	dirs, defaults := nssDatabases(opts)
	module := findNSSModule(opts)
	var anchors []trust.Anchor
	var reports []trust.SourceReport
	for _, dir := range dirs {
		rep := trust.SourceReport{Name: "nss", Path: "sql:" + dir}
		if _, err := os.Stat(filepath.Join(dir, "cert9.db")); err != nil {
			if defaults {
				continue
			}
			rep.Err = &SourceError{Source: "nss", Path: rep.Path, Err: fmt.Errorf("no cert9.db: %w (create one with certutil -N -d sql:%s)", err, dir)}
			reports = append(reports, rep)
			continue
		}
		if module == "" {
			rep.Skipped = "libsoftokn3.so not found (install libnss3 or set Options.NSSModule)"
			reports = append(reports, rep)
			continue
		}
		as, toks, err := readTrustModule(module, nssInitArgs(dir), "nss:sql:"+dir, nil, false, false)
		if err != nil {
			rep.Err = &SourceError{Source: "nss", Path: rep.Path, Err: err}
			reports = append(reports, rep)
			continue
		}
		var errs []error
		for _, t := range toks {
			if t.Err != nil {
				errs = append(errs, t.Err)
			}
		}
		if len(errs) > 0 {
			rep.Err = joinErrs(errs)
		}
		for i := range as {
			as[i].Source = "nss:sql:" + dir
		}
		countInto(&rep, as)
		reports = append(reports, rep)
		anchors = append(anchors, as...)
	}
	if len(reports) == 0 {
		reports = append(reports, trust.SourceReport{Name: "nss", Skipped: "no NSS database found (" + strings.Join(dirs, ", ") + ")"})
	}
	return anchors, reports
}
