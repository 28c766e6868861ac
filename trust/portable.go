package trust

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nativetls/nativetls/internal/safefile"
)

// FromPEMFile returns a TrustStore whose anchors are the certificates in the
// file at path (PEM, DER or PKCS#7; see ParseCertificates). OpenSSL
// "TRUSTED CERTIFICATE" entries keep their trust and reject purposes.
func FromPEMFile(path string) (*AnchorStore, error) {
	anchors, err := AnchorsFromFile(path)
	if err != nil {
		return nil, err
	}
	return NewAnchorStore("PEM file "+path, anchors, SourceReport{Name: "file", Path: path, Anchors: countTrusted(anchors), Distrusted: len(anchors) - countTrusted(anchors)}), nil
}

// FromPEM returns a TrustStore whose anchors are the certificates in data.
func FromPEM(data []byte) (*AnchorStore, error) {
	anchors, err := anchorsFromData(data, "buffer")
	if err != nil {
		return nil, err
	}
	return NewAnchorStore("PEM buffer", anchors), nil
}

// FromCertificates returns a TrustStore trusting exactly certs for any usage.
func FromCertificates(name string, certs ...*x509.Certificate) *AnchorStore {
	anchors := make([]Anchor, 0, len(certs))
	for _, c := range certs {
		anchors = append(anchors, Anchor{Certificate: c, Source: name})
	}
	return NewAnchorStore(name, anchors)
}

// AnchorsFromFile reads anchors from a certificate file, keeping OpenSSL
// trust attributes of TRUSTED CERTIFICATE blocks. The file is read as
// LoadCertificates reads it: a regular file of at most 16 MiB.
func AnchorsFromFile(path string) ([]Anchor, error) {
	data, err := readCertFile(path)
	if err != nil {
		return nil, err
	}
	return anchorsFromData(data, path)
}

func anchorsFromData(data []byte, source string) ([]Anchor, error) {
	certs, err := parseCertificates(data, source)
	if err != nil {
		return nil, err
	}
	trusts := openSSLTrusts(data)
	anchors := make([]Anchor, 0, len(certs))
	for _, c := range certs {
		a := Anchor{Certificate: c, Source: source}
		if t, ok := trusts[string(c.Raw)]; ok {
			applyOpenSSLTrust(&a, t)
		}
		anchors = append(anchors, a)
	}
	return anchors, nil
}

func countTrusted(anchors []Anchor) int {
	n := 0
	for _, a := range anchors {
		if !a.Distrusted {
			n++
		}
	}
	return n
}

// DirectoryError reports files of a certificate directory that could not be
// read; the readable files were still loaded.
type DirectoryError struct {
	Dir    string
	Errors []error // one per unreadable file, each naming the file
}

func (e *DirectoryError) Error() string {
	msgs := make([]string, 0, len(e.Errors))
	for _, err := range e.Errors {
		msgs = append(msgs, err.Error())
	}
	return fmt.Sprintf("trust: %d file(s) in %s could not be read (the others were loaded): %s", len(e.Errors), e.Dir, strings.Join(msgs, "; "))
}

// Unwrap returns the per-file errors.
func (e *DirectoryError) Unwrap() []error { return e.Errors }

// AnchorsFromDirectory reads every certificate file in dir (plain PEM files
// and OpenSSL hashed directories alike: a hash link and its target are
// deduplicated). Files that cannot be parsed, and entries that are not
// regular files (FIFOs, devices, sockets: never opened, so they cannot
// block), are skipped and reported in a *DirectoryError returned together
// with the anchors that could be read. Subdirectories and files that hold
// no certificate at all (keys, READMEs) are ignored.
func AnchorsFromDirectory(dir string) ([]Anchor, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &CertificateError{Source: dir, Index: -1, Err: err}
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var anchors []Anchor
	seen := map[string]bool{}
	derr := &DirectoryError{Dir: dir}
	for _, name := range names {
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err != nil || st.IsDir() {
			continue
		}
		if !st.Mode().IsRegular() {
			derr.Errors = append(derr.Errors, &CertificateError{Source: p, Index: -1,
				Err: &safefile.Error{Path: p, Max: safefile.DefaultMax, Err: safefile.ErrNotRegular}})
			continue
		}
		as, err := AnchorsFromFile(p)
		if err != nil {
			if !errors.Is(err, ErrNoCertificates) {
				derr.Errors = append(derr.Errors, err)
			}
			continue
		}
		for _, a := range as {
			if seen[string(a.Certificate.Raw)] {
				continue
			}
			seen[string(a.Certificate.Raw)] = true
			anchors = append(anchors, a)
		}
	}
	if len(derr.Errors) > 0 {
		return anchors, derr
	}
	return anchors, nil
}

// FromDirectory returns a TrustStore over the certificates in dir (see
// AnchorsFromDirectory). Unreadable files are reported by Sources and in the
// returned error, which is a *DirectoryError when the store is still usable.
func FromDirectory(dir string) (*AnchorStore, error) {
	anchors, err := AnchorsFromDirectory(dir)
	var derr *DirectoryError
	if err != nil && !errors.As(err, &derr) {
		return nil, err
	}
	rep := SourceReport{Name: "directory", Path: dir, Anchors: countTrusted(anchors), Distrusted: len(anchors) - countTrusted(anchors), Err: err}
	return NewAnchorStore("certificate directory "+dir, anchors, rep), err
}

// Union returns a TrustStore that accepts a chain when any of stores does
// ("the system plus our company root"). When every store is an
// *AnchorStore, their anchors are merged into one store, so distrust from
// any of them wins over trust from any other. Otherwise stores are asked in
// order and the first success wins; if all fail, the first store's error is
// returned (the platform store normally comes first).
func Union(stores ...TrustStore) TrustStore {
	all := true
	var anchors []Anchor
	var sources []SourceReport
	var names []string
	for _, s := range stores {
		names = append(names, s.String())
		as, ok := s.(*AnchorStore)
		if !ok {
			all = false
			continue
		}
		anchors = append(anchors, as.anchors...)
		sources = append(sources, as.sources...)
	}
	name := "union of " + strings.Join(names, ", ")
	if all {
		return NewAnchorStore(name, anchors, sources...)
	}
	return &unionStore{name: name, stores: append([]TrustStore(nil), stores...)}
}

type unionStore struct {
	name   string
	stores []TrustStore
}

func (u *unionStore) String() string { return u.name }

func (u *unionStore) Verify(ctx context.Context, chain []*x509.Certificate, opts VerifyOptions) ([][]*x509.Certificate, error) {
	var first error
	for _, s := range u.stores {
		chains, err := s.Verify(ctx, chain, opts)
		if err == nil {
			return chains, nil
		}
		var ve *VerificationError
		if errors.As(err, &ve) && ve.Reason == ReasonDistrusted {
			return nil, err // distrust from any store wins
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = &VerificationError{Reason: ReasonUnknownAuthority, Depth: -1, Detail: "the union holds no stores", Backend: u.name}
	}
	return nil, first
}

// Generation combines the generations of the member stores.
func (u *unionStore) Generation() uint64 {
	var g uint64
	for _, s := range u.stores {
		if gs, ok := s.(Generationer); ok {
			g = g*1000003 + gs.Generation()
		}
	}
	return g
}

// Anchors lists the anchors of every member store that can list them.
func (u *unionStore) Anchors(ctx context.Context) ([]Anchor, error) {
	var out []Anchor
	for _, s := range u.stores {
		if l, ok := s.(AnchorLister); ok {
			a, err := l.Anchors(ctx)
			if err != nil {
				return out, err
			}
			out = append(out, a...)
		}
	}
	return out, nil
}

// Sources reports the sources of member stores.
func (u *unionStore) Sources() []SourceReport {
	var out []SourceReport
	for _, s := range u.stores {
		if r, ok := s.(SourceReporter); ok {
			out = append(out, r.Sources()...)
		}
	}
	return out
}
