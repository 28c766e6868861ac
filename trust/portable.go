package trust

import (
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

// AnchorsFromDirectory reads every certificate file in dir, an OpenSSL
// hashed directory included (a hash link and its target count once). Files
// that do not parse and entries that are not regular files (never opened)
// are skipped and reported in a *DirectoryError returned with the anchors
// read; files without certificates (keys, READMEs) are ignored.
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
