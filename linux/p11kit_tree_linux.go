package linux

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/nativetls/nativetls/internal/p11raw"
	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"
)

// The Fedora/RHEL fast path: a token whose path is a directory in
// p11-kit's layout (anchors/, blocklist/ and blacklist/, and files of
// either plain certificates or the persist format at the top), or a
// persist file. The tree is read as p11-kit's token loader reads it
// (trust/token.c, trust/parser.c): files under anchors/ are trusted unless
// they carry x-distrusted, files under blocklist/ are distrusted, top-level
// files keep their own trusted/x-distrusted (false when absent), and a
// token that is a single file is anchors. The objects then go through the
// same decisions as the module's (anchorsFromTokenObjects), with the
// builder's rule that a certificate's own extended key usage applies when
// no extended key usage is stapled to its public key. Anything outside
// this model returns errPersistUnsupported and the module reads the token.

// ekuOIDDER is the DER encoding of id-ce-extKeyUsage.
var ekuOIDDER, _ = asn1MarshalOID(oidExtKeyUsage)

// parseFlag is how a location's certificates are trusted.
type parseFlag int

const (
	flagNone parseFlag = iota
	flagAnchor
	flagBlocklist
)

// readTokenTree reads a token path (directory or file) into objects.
func readTokenTree(path string) (*tokenObjects, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	t := &tokenObjects{}
	if !st.IsDir() {
		return t, t.addFile(path, flagAnchor)
	}
	for _, sub := range []struct {
		name string
		flag parseFlag
	}{{"anchors", flagAnchor}, {"blocklist", flagBlocklist}, {"blacklist", flagBlocklist}} {
		d := filepath.Join(path, sub.name)
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			if err := t.addDir(d, sub.flag); err != nil {
				return nil, err
			}
		}
	}
	return t, t.addDir(path, flagNone)
}

// addDir reads every non-directory entry of dir.
func (t *tokenObjects) addDir(dir string, flag parseFlag) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			continue
		}
		if err := t.addFile(p, flag); err != nil {
			return err
		}
	}
	return nil
}

// addFile reads one file in whichever format p11-kit recognises.
func (t *tokenObjects) addFile(path string, flag parseFlag) error {
	data, err := safefile.Read(path, 0)
	if err != nil {
		return fmt.Errorf("%s: %v: %w", path, err, errPersistUnsupported)
	}
	var objs []map[uint][]byte
	switch {
	case bytes.Contains(data, []byte(persistHeader)):
		if objs, err = parsePersist(data); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	case bytes.Contains(data, []byte("-----BEGIN")):
		if objs, err = pemObjects(data); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	case len(data) > 0 && data[0] == 0x30:
		if _, err := x509.ParseCertificate(data); err != nil {
			return fmt.Errorf("%s: a DER file Go cannot parse: %w", path, errPersistUnsupported)
		}
		objs = []map[uint][]byte{{p11raw.CKA_CLASS: ulongBytes(p11raw.CKO_CERTIFICATE), p11raw.CKA_VALUE: data}}
	default:
		return nil // not a format p11-kit reads (a README): skipped, as p11-kit skips it
	}
	return t.sink(objs, flag)
}

// pemObjects reads a file of CERTIFICATE blocks.
func pemObjects(data []byte) ([]map[uint][]byte, error) {
	var objs []map[uint][]byte
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			if bytes.Contains(rest, []byte("-----BEGIN")) {
				return nil, fmt.Errorf("a PEM block that does not decode: %w", errPersistUnsupported)
			}
			return objs, nil
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %q: %w", truncate(b.Type), errPersistUnsupported)
		}
		objs = append(objs, map[uint][]byte{p11raw.CKA_CLASS: ulongBytes(p11raw.CKO_CERTIFICATE), p11raw.CKA_VALUE: b.Bytes})
	}
}

// sink applies the location's trust (p11-kit's populate_trust) and files
// the objects by class.
func (t *tokenObjects) sink(objs []map[uint][]byte, flag parseFlag) error {
	for _, o := range objs {
		class, ok := attrULong(o[p11raw.CKA_CLASS])
		if !ok {
			return fmt.Errorf("an object without a class: %w", errPersistUnsupported)
		}
		switch class {
		case p11raw.CKO_CERTIFICATE:
			if len(o[p11raw.CKA_VALUE]) == 0 {
				return fmt.Errorf("a certificate object without a value: %w", errPersistUnsupported)
			}
			populateTrust(o, flag)
			t.certs = append(t.certs, pkcs11.Object{Attrs: o})
		case p11raw.CKO_X_CERTIFICATE_EXTENSION:
			if len(o[p11raw.CKA_PUBLIC_KEY_INFO]) == 0 || !bytes.Equal(o[p11raw.CKA_OBJECT_ID], ekuOIDDER) {
				// Only stapled extended key usage is modelled: p11-kit's
				// builder weighs rejected purposes and other stapled
				// extensions in ways the module alone decides.
				return fmt.Errorf("a stapled extension other than extended key usage: %w", errPersistUnsupported)
			}
			t.exts = append(t.exts, pkcs11.Object{Attrs: o})
		}
	}
	return nil
}

// populateTrust is p11-kit's parser rule for a certificate's trust flags.
func populateTrust(o map[uint][]byte, flag parseFlag) {
	switch flag {
	case flagAnchor:
		if attrBool(o[p11raw.CKA_X_DISTRUSTED]) {
			return // p11-kit warns and keeps the distrust
		}
		o[p11raw.CKA_TRUSTED], o[p11raw.CKA_X_DISTRUSTED] = []byte{1}, []byte{0}
	case flagBlocklist:
		o[p11raw.CKA_TRUSTED], o[p11raw.CKA_X_DISTRUSTED] = []byte{0}, []byte{1}
	default:
		for _, a := range []uint{p11raw.CKA_TRUSTED, p11raw.CKA_X_DISTRUSTED} {
			if _, ok := o[a]; !ok {
				o[a] = []byte{0}
			}
		}
	}
}

// anchorsFromTree decides the anchors of a tree token, with the
// certificate's own extended key usage where none is stapled.
func anchorsFromTree(t *tokenObjects) tokenResult {
	stapledEKU := map[string]bool{}
	for _, e := range t.exts {
		if bytes.Equal(e.Attrs[p11raw.CKA_OBJECT_ID], ekuOIDDER) {
			stapledEKU[string(e.Attrs[p11raw.CKA_PUBLIC_KEY_INFO])] = true
		}
	}
	res := anchorsFromTokenObjects(*t)
	// p11-kit keeps one trust decision per certificate in a token: when
	// one copy is distrusted (a blocklist file), every copy is.
	distrusted := map[string]bool{}
	for _, a := range res.anchors {
		if a.Distrusted {
			distrusted[string(a.Certificate.Raw)] = true
		}
	}
	out := res.anchors[:0]
	for _, a := range res.anchors {
		if distrusted[string(a.Certificate.Raw)] {
			a.Distrusted, a.Purposes, a.DistrustAfter = true, nil, time.Time{}
		}
		if !a.Distrusted && !stapledEKU[string(a.Certificate.RawSubjectPublicKeyInfo)] {
			a.Purposes = intersectPurposes(a.Purposes, ownPurposes(a.Certificate))
			switch {
			case a.Purposes != nil && len(a.Purposes) == 0:
				res.untrusted++
				continue
			case len(a.Purposes) == len(knownPurposes):
				a.Purposes = nil
			}
		}
		out = append(out, a)
	}
	res.anchors = out
	return res
}

// intersectPurposes intersects two purpose lists where nil means "any".
func intersectPurposes(a, b []trust.Usage) []trust.Usage {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := []trust.Usage{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}
