package linux

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"
)

// The fast path. The p11-kit trust module parses every file of a token the
// first time the token is touched, with libtasn1: about 0.2 ms per
// certificate, so 25-40 ms for a distribution bundle, about twice what
// x509.SystemCertPool takes for everything. Listing the module's slots does
// not load the tokens, and p11-kit puts each token's path in its slot
// description. When every token is a plain PEM file (only CERTIFICATE
// blocks: no OpenSSL trust attributes, no p11-kit object format), p11-kit's
// answer is fully determined by the file: each certificate is trusted for
// the purposes its own extended key usage allows (all of them without the
// extension). The fast path computes that answer from the file, through the
// shared parse cache, and the module never parses the file. Fedora/RHEL's
// trust paths (directories of .p11-kit persist files, anchors/ and
// blocklist/) take a fast path too (p11kit_tree_linux.go). Any other shape
// of configuration takes the full path. TestP11KitFastPathMatchesModule and
// TestP11KitTreeFastPathMatchesModule check the paths agree.

// slotDescriptionMax is the size of CK_SLOT_INFO.slotDescription: a path
// this long may have been truncated.
const slotDescriptionMax = 64

var p11KitObjectMarker = []byte("[p11-kit-object")

// fastToken is what the fast path read for one token: a plain PEM file,
// or (Fedora/RHEL) a tree or persist file in p11-kit's layout, parsed.
type fastToken struct {
	pem  []byte
	tree *tokenObjects
}

// plainPEMTokens returns what the fast path read for every slot when
// every slot's token is a plain PEM file or a tree the fast path models
// (p11kit_tree_linux.go); ok is false otherwise, and the module reads the
// tokens.
func plainPEMTokens(slots []pkcs11.Slot) (files map[uint]fastToken, ok bool) {
	if len(slots) == 0 {
		return nil, false
	}
	files = map[uint]fastToken{}
	for _, sl := range slots {
		p := sl.Description
		if len(p) >= slotDescriptionMax || !filepath.IsAbs(p) {
			return nil, false
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, false
		}
		if st.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err == nil && bytes.Contains(data, pemBegin) && !bytes.Contains(data, pemTrustedBlock) &&
				!bytes.Contains(data, pemPKCS7Block) && !bytes.Contains(data, p11KitObjectMarker) {
				files[sl.ID] = fastToken{pem: data}
				continue
			}
		}
		tree, err := readTokenTree(p)
		if err != nil {
			return nil, false
		}
		files[sl.ID] = fastToken{tree: tree}
	}
	return files, true
}

// anchorsFromPlainPEM gives p11-kit's answer for a plain PEM token file.
func anchorsFromPlainPEM(path, source string, data []byte, cache certCache) ([]trust.Anchor, error) {
	as, err := anchorsFromPEMData(path, data, cache)
	out := as[:0]
	for _, a := range as {
		a.Source = source
		a.Purposes = ownPurposes(a.Certificate)
		switch {
		case a.Purposes != nil && len(a.Purposes) == 0:
			continue // trusted for nothing this package knows: not an anchor
		case len(a.Purposes) == len(knownPurposes):
			a.Purposes = nil
		}
		out = append(out, a)
	}
	return out, err
}

// ownPurposes returns the purposes a certificate's own extended key usage
// allows, as p11-kit computes them: nil (any) without the extension, an
// empty non-nil slice when it lists none of serverAuth, clientAuth,
// emailProtection and codeSigning.
func ownPurposes(c *x509.Certificate) []trust.Usage {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return nil
	}
	out := []trust.Usage{}
	for _, kp := range knownPurposes {
		for _, e := range c.ExtKeyUsage {
			// anyExtendedKeyUsage is not special to p11-kit: it names no
			// purpose, so it grants none.
			if e == kp.usage.ExtKeyUsage() {
				out = append(out, kp.usage)
				break
			}
		}
	}
	return out
}

// readPlainPEMTokens is the fast path of readTrustModule.
func readPlainPEMTokens(module, name string, slots []pkcs11.Slot, files map[uint]fastToken, cache certCache) ([]trust.Anchor, []trust.SourceReport) {
	var anchors []trust.Anchor
	var reports []trust.SourceReport
	for _, sl := range slots {
		ft := files[sl.ID]
		if ft.tree != nil {
			as, rep := readTreeToken(module, name, sl, ft.tree, cache)
			reports = append(reports, rep)
			anchors = append(anchors, as...)
			continue
		}
		rep := trust.SourceReport{Name: name, Path: tokenPath(module, sl) + " (plain PEM file, read directly)"}
		as, err := anchorsFromPlainPEM(sl.Description, name+":"+sl.Token.Label, ft.pem, cache)
		countInto(&rep, as)
		if err != nil {
			rep.Err = &SourceError{Source: name, Path: rep.Path, Err: err}
		}
		reports = append(reports, rep)
		anchors = append(anchors, as...)
	}
	return anchors, reports
}

var errNoCertsInToken = errors.New("no certificate in the token file")

// anchorsFromPEMData parses plain PEM data through the cache.
func anchorsFromPEMData(path string, data []byte, cache certCache) ([]trust.Anchor, error) {
	as, err := parsePEMAnchors(path, data, cache)
	if err == nil && len(as) == 0 {
		err = fmt.Errorf("%s: %w", path, errNoCertsInToken)
	}
	return as, err
}

// readTreeToken decides the anchors of a tree token read by the fast path.
func readTreeToken(module, name string, sl pkcs11.Slot, t *tokenObjects, cache certCache) ([]trust.Anchor, trust.SourceReport) {
	rep := trust.SourceReport{Name: name, Path: tokenPath(module, sl) + " (p11-kit files, read directly)"}
	t.source, t.cache = name+":"+sl.Token.Label, cache
	res := anchorsFromTree(t)
	countInto(&rep, res.anchors)
	if len(res.errs) > 0 {
		rep.Err = &SourceError{Source: name, Path: rep.Path, Err: joinErrs(res.errs)}
	}
	return res.anchors, rep
}
