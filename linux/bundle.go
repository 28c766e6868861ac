package linux

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// loadBundles reads the first existing bundle file of the plan and every
// directory of it, as Go's crypto/x509 does, keeping OpenSSL trust
// attributes. It returns the anchors and one report per file or directory
// consulted (missing default locations are not reported; a missing file or
// directory named by the environment or the options is).
func loadBundles(p bundlePlan, cache certCache) ([]trust.Anchor, []trust.SourceReport) {
	var anchors []trust.Anchor
	var reports []trust.SourceReport
	name := func(base, from string) string {
		if from == "default" {
			return base
		}
		return from
	}
	for _, f := range p.files {
		as, err := readAnchorFile(f, cache)
		if err != nil && errors.Is(err, fs.ErrNotExist) && p.filesFrom == "default" {
			continue
		}
		rep := trust.SourceReport{Name: name("bundle", p.filesFrom), Path: f}
		countInto(&rep, as)
		if err != nil {
			rep.Err = &SourceError{Source: "bundle", Path: f, Err: err}
			if errors.Is(err, fs.ErrNotExist) {
				reports = append(reports, rep)
				continue
			}
		}
		reports = append(reports, rep)
		anchors = append(anchors, as...)
		break
	}
	for _, d := range p.dirs {
		as, err := anchorsFromDir(d, cache)
		if err != nil && errors.Is(err, fs.ErrNotExist) && p.dirsFrom == "default" {
			continue
		}
		rep := trust.SourceReport{Name: name("directory", p.dirsFrom), Path: d}
		// Count each certificate once: /etc/ssl/certs holds the bundle
		// next to one file per root.
		countInto(&rep, dedupe(as))
		if err != nil {
			rep.Err = &SourceError{Source: "directory", Path: d, Err: err}
		}
		reports = append(reports, rep)
		anchors = append(anchors, as...)
	}
	return dedupe(anchors), reports
}

// countInto fills the anchor and distrust counts of rep.
func countInto(rep *trust.SourceReport, as []trust.Anchor) {
	for _, a := range as {
		if a.Distrusted {
			rep.Distrusted++
		} else {
			rep.Anchors++
		}
	}
}

// anchorsFromDir reads every regular file of dir except symlinks that point
// within the directory (OpenSSL hash links, which Go skips too), sorted by
// name. Files without certificates are ignored; unparsable files are
// skipped and reported in a *trust.DirectoryError returned with the
// anchors that could be read.
func anchorsFromDir(dir string, cache certCache) ([]trust.Anchor, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var anchors []trust.Anchor
	derr := &trust.DirectoryError{Dir: dir}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(p); err == nil && !strings.Contains(t, "/") {
				continue // same-directory link: its target is read under its own name
			}
		}
		if e.IsDir() {
			continue
		}
		as, err := readAnchorFile(p, cache)
		if err != nil {
			var pe *fs.PathError
			switch {
			case errors.Is(err, trust.ErrNoCertificates):
			case (errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist)) || isDirErr(p):
				// dangling link or a link to a directory
			default:
				derr.Errors = append(derr.Errors, err)
			}
			if len(as) == 0 {
				continue
			}
		}
		anchors = append(anchors, as...)
	}
	if len(derr.Errors) > 0 {
		return anchors, derr
	}
	return anchors, nil
}

func isDirErr(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// dedupe drops repeated certificates (same DER, same trust), keeping the
// first; a repeat that distrusts marks the kept entry distrusted.
func dedupe(as []trust.Anchor) []trust.Anchor {
	idx := make(map[string]int, len(as))
	out := as[:0:0]
	for _, a := range as {
		k := string(a.Certificate.Raw)
		if i, ok := idx[k]; ok {
			if a.Distrusted {
				out[i].Distrusted = true
			} else if len(out[i].Purposes) > 0 {
				out[i].Purposes = unionPurposes(out[i].Purposes, a.Purposes)
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, a)
	}
	return out
}

// unionPurposes merges two purpose lists; an empty list means any purpose.
func unionPurposes(a, b []trust.Usage) []trust.Usage {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	out := append([]trust.Usage(nil), a...)
	for _, u := range b {
		if !containsUsage(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func containsUsage(us []trust.Usage, u trust.Usage) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}
