package linux

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"

	"github.com/nativetls/nativetls/internal/p11raw"
)

// This file turns the objects a PKCS#11 trust module serves (p11-kit's
// trust module, NSS softoken) into anchors. It holds decisions only and is
// tested on any OS with hand-made attribute maps.

// oidRejectedPurposes is p11-kit's stapled extension listing purposes a
// certificate is rejected for (OpenSSL "reject"): a SEQUENCE OF OID with
// the same shape as extended key usage.
var oidRejectedPurposes = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 3319, 6, 10, 1}

// oidExtKeyUsage is id-ce-extKeyUsage.
var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// knownPurposes are the purposes an anchor can be restricted to, with the
// NSS trust attribute that carries each.
var knownPurposes = []struct {
	usage trust.Usage
	attr  uint
}{
	{trust.UsageServerAuth, p11raw.CKA_TRUST_SERVER_AUTH},
	{trust.UsageClientAuth, p11raw.CKA_TRUST_CLIENT_AUTH},
	{trust.UsageEmail, p11raw.CKA_TRUST_EMAIL_PROTECTION},
	{trust.UsageCodeSigning, p11raw.CKA_TRUST_CODE_SIGNING},
}

// Attribute types read from certificate objects.
var certAttrs = []uint{p11raw.CKA_VALUE, p11raw.CKA_LABEL, p11raw.CKA_TRUSTED,
	p11raw.CKA_X_DISTRUSTED, p11raw.CKA_CERTIFICATE_CATEGORY, p11raw.CKA_NSS_SERVER_DISTRUST_AFTER}

// Attribute types read from CKO_NSS_TRUST objects.
var trustAttrs = []uint{p11raw.CKA_CERT_SHA1_HASH, p11raw.CKA_ISSUER, p11raw.CKA_SERIAL_NUMBER,
	p11raw.CKA_TRUST_SERVER_AUTH, p11raw.CKA_TRUST_CLIENT_AUTH, p11raw.CKA_TRUST_EMAIL_PROTECTION,
	p11raw.CKA_TRUST_CODE_SIGNING}

// Attribute types read from CKO_X_CERTIFICATE_EXTENSION objects.
var extAttrs = []uint{p11raw.CKA_PUBLIC_KEY_INFO, p11raw.CKA_OBJECT_ID, p11raw.CKA_VALUE}

// Attribute types read from CKO_X_TRUST_ASSERTION objects.
var assertionAttrs = []uint{p11raw.CKA_X_ASSERTION_TYPE, p11raw.CKA_X_CERTIFICATE_VALUE, p11raw.CKA_X_PURPOSE,
	p11raw.CKA_ISSUER, p11raw.CKA_SERIAL_NUMBER}

// tokenObjects are the trust-relevant objects of one token.
type tokenObjects struct {
	cache      certCache // parsed certificates to reuse; may be nil
	source     string    // anchor source, e.g. "p11-kit:System Trust"
	certs      []pkcs11.Object
	trusts     []pkcs11.Object
	exts       []pkcs11.Object
	assertions []pkcs11.Object
}

// tokenResult is what one token yielded: anchors (trusted or distrusted),
// certificates that are neither (not anchors, counted only) and per-object
// errors.
type tokenResult struct {
	anchors   []trust.Anchor
	untrusted int
	errs      []error
}

// purposeSet is the per-purpose trust of a certificate.
type purposeSet struct {
	trusted  map[trust.Usage]bool
	rejected map[trust.Usage]bool
}

func newPurposeSet() purposeSet {
	return purposeSet{trusted: map[trust.Usage]bool{}, rejected: map[trust.Usage]bool{}}
}

// anchorsFromTokenObjects decides, for each certificate object, whether it
// is an anchor, for which purposes, or distrusted.
func anchorsFromTokenObjects(t tokenObjects) tokenResult {
	var res tokenResult
	trustBySHA1 := map[string]pkcs11.Object{}
	trustByIssuerSerial := map[string]pkcs11.Object{}
	for _, o := range t.trusts {
		if h := o.Attrs[p11raw.CKA_CERT_SHA1_HASH]; len(h) > 0 {
			trustBySHA1[string(h)] = o
		}
		if is, sn := o.Attrs[p11raw.CKA_ISSUER], o.Attrs[p11raw.CKA_SERIAL_NUMBER]; len(is) > 0 && len(sn) > 0 {
			trustByIssuerSerial[string(is)+"\x00"+string(sn)] = o
		}
	}
	extsBySPKI := map[string][]pkcs11.Object{}
	for _, o := range t.exts {
		k := string(o.Attrs[p11raw.CKA_PUBLIC_KEY_INFO])
		extsBySPKI[k] = append(extsBySPKI[k], o)
	}
	assertByCert := map[string][]pkcs11.Object{}
	for _, o := range t.assertions {
		k := string(o.Attrs[p11raw.CKA_X_CERTIFICATE_VALUE])
		if k == "" {
			// distrust assertions name the certificate by issuer and serial
			k = string(o.Attrs[p11raw.CKA_ISSUER]) + "\x00" + string(o.Attrs[p11raw.CKA_SERIAL_NUMBER])
		}
		assertByCert[k] = append(assertByCert[k], o)
	}
	for _, o := range t.certs {
		der := o.Attrs[p11raw.CKA_VALUE]
		label := string(o.Attrs[p11raw.CKA_LABEL])
		var c *x509.Certificate
		var err error
		if t.cache != nil {
			c, err = t.cache.parse(der)
		} else {
			c, err = x509.ParseCertificate(der)
		}
		if err != nil {
			res.errs = append(res.errs, fmt.Errorf("certificate %q (object %d): %w; the entry was skipped", label, o.Handle, err))
			continue
		}
		assertions := append(assertByCert[string(c.Raw)], assertByCert[string(c.RawIssuer)+"\x00"+string(serialDER(c))]...)
		a, ok, err := decideAnchor(c, o, t, trustBySHA1, trustByIssuerSerial, extsBySPKI[string(c.RawSubjectPublicKeyInfo)], assertions)
		if err != nil {
			res.errs = append(res.errs, fmt.Errorf("certificate %q: %w", label, err))
		}
		if !ok {
			res.untrusted++
			continue
		}
		res.anchors = append(res.anchors, a)
	}
	return res
}

// decideAnchor applies, in order: the certificate's own flags
// (CKA_X_DISTRUSTED, CKA_TRUSTED), its NSS trust object, stapled extended
// key usage and rejected-purpose extensions, and trust assertions.
// ok is false for a certificate that is neither trusted nor distrusted.
func decideAnchor(c *x509.Certificate, o pkcs11.Object, t tokenObjects, bySHA1, byIS map[string]pkcs11.Object,
	exts, assertions []pkcs11.Object) (trust.Anchor, bool, error) {
	a := trust.Anchor{Certificate: c, Source: t.source}
	distrusted := attrBool(o.Attrs[p11raw.CKA_X_DISTRUSTED])
	trustedFlag := attrBool(o.Attrs[p11raw.CKA_TRUSTED])
	ps := newPurposeSet()
	sum := sha1.Sum(c.Raw)
	to, haveTrust := bySHA1[string(sum[:])]
	if !haveTrust {
		to, haveTrust = byIS[string(o.Attrs[p11raw.CKA_ISSUER])+"\x00"+string(o.Attrs[p11raw.CKA_SERIAL_NUMBER])]
		if !haveTrust {
			to, haveTrust = byIS[string(c.RawIssuer)+"\x00"+string(serialDER(c))]
		}
	}
	if haveTrust {
		present, notTrusted := 0, 0
		for _, kp := range knownPurposes {
			v, ok := attrULong(to.Attrs[kp.attr])
			if !ok {
				continue
			}
			present++
			switch v {
			case p11raw.CKT_NSS_TRUSTED_DELEGATOR, p11raw.CKT_NSS_TRUSTED:
				// A trusted CA, or a trusted peer (a self-signed server
				// certificate installed as such): crypto/x509 accepts
				// either from the root pool, as Go's SystemCertPool does.
				ps.trusted[kp.usage] = true
			case p11raw.CKT_NSS_NOT_TRUSTED:
				ps.rejected[kp.usage] = true
				notTrusted++
			}
		}
		if present > 0 && notTrusted == present {
			distrusted = true
		}
	} else if trustedFlag {
		for _, kp := range knownPurposes {
			ps.trusted[kp.usage] = true
		}
	}
	var extErr error
	for _, e := range exts {
		if err := applyExtension(&ps, e); err != nil && extErr == nil {
			extErr = err
		}
	}
	for _, as := range assertions {
		applyAssertion(&ps, &distrusted, as)
	}
	if distrusted {
		a.Distrusted = true
		return a, true, extErr
	}
	for _, kp := range knownPurposes {
		if ps.trusted[kp.usage] && !ps.rejected[kp.usage] {
			a.Purposes = append(a.Purposes, kp.usage)
		}
	}
	if len(a.Purposes) == 0 {
		return a, false, extErr
	}
	if len(a.Purposes) == len(knownPurposes) {
		a.Purposes = nil // every purpose: unrestricted
	}
	if d, ok, err := parseDistrustAfter(o.Attrs[p11raw.CKA_NSS_SERVER_DISTRUST_AFTER]); err != nil {
		extErr = err
	} else if ok {
		a.DistrustAfter = d
	}
	return a, true, extErr
}

// applyExtension restricts ps by a stapled extension: extended key usage
// keeps only the purposes it lists; p11-kit's rejected-purposes extension
// removes the purposes it lists.
func applyExtension(ps *purposeSet, e pkcs11.Object) error {
	var oid asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(e.Attrs[p11raw.CKA_OBJECT_ID], &oid); err != nil {
		return fmt.Errorf("stapled extension with an unreadable object id: %w", err)
	}
	if !oid.Equal(oidExtKeyUsage) && !oid.Equal(oidRejectedPurposes) {
		return nil
	}
	oids, err := extensionOIDs(e.Attrs[p11raw.CKA_VALUE])
	if err != nil {
		return fmt.Errorf("stapled extension %s: %w", oid, err)
	}
	listed := map[trust.Usage]bool{}
	for _, p := range oids {
		if u, ok := trust.UsageForOID(p); ok {
			listed[u] = true
		}
	}
	if oid.Equal(oidRejectedPurposes) {
		for u := range listed {
			if u == trust.UsageAny {
				for _, kp := range knownPurposes {
					ps.rejected[kp.usage] = true
				}
			}
			ps.rejected[u] = true
		}
		return nil
	}
	if listed[trust.UsageAny] {
		return nil
	}
	for _, kp := range knownPurposes {
		if !listed[kp.usage] {
			delete(ps.trusted, kp.usage)
		}
	}
	return nil
}

// extensionOIDs decodes the SEQUENCE OF OID held by an extension value,
// accepting both the full Extension structure (which p11-kit stores) and
// the bare extnValue contents.
func extensionOIDs(v []byte) ([]asn1.ObjectIdentifier, error) {
	var ext struct {
		ID       asn1.ObjectIdentifier
		Critical bool `asn1:"optional"`
		Value    []byte
	}
	inner := v
	if rest, err := asn1.Unmarshal(v, &ext); err == nil && len(rest) == 0 {
		inner = ext.Value
	}
	var oids []asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(inner, &oids); err != nil {
		return nil, err
	} else if len(rest) > 0 {
		return nil, fmt.Errorf("trailing data after the purpose list")
	}
	return oids, nil
}

// applyAssertion applies a (retired) p11-kit trust assertion.
func applyAssertion(ps *purposeSet, distrusted *bool, o pkcs11.Object) {
	typ, _ := attrULong(o.Attrs[p11raw.CKA_X_ASSERTION_TYPE])
	switch typ {
	case p11raw.CKT_X_DISTRUSTED_CERTIFICATE:
		*distrusted = true
	case p11raw.CKT_X_ANCHORED_CERTIFICATE:
		var oid asn1.ObjectIdentifier
		for _, part := range strings.Split(string(o.Attrs[p11raw.CKA_X_PURPOSE]), ".") {
			var n int
			if _, err := fmt.Sscanf(part, "%d", &n); err != nil {
				return
			}
			oid = append(oid, n)
		}
		if u, ok := trust.UsageForOID(oid); ok {
			ps.trusted[u] = true
		}
	}
}

// parseDistrustAfter decodes CKA_NSS_SERVER_DISTRUST_AFTER: a UTCTime
// "YYMMDDHHMMSSZ", or a single CK_FALSE byte for none.
func parseDistrustAfter(v []byte) (time.Time, bool, error) {
	if len(v) <= 1 {
		return time.Time{}, false, nil
	}
	t, err := time.Parse("060102150405Z0700", string(v))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("unreadable CKA_NSS_SERVER_DISTRUST_AFTER %q: %w; distrust-after ignored", v, err)
	}
	return t, true, nil
}

// serialDER returns the DER INTEGER encoding of c's serial number, as in
// CKA_SERIAL_NUMBER.
func serialDER(c *x509.Certificate) []byte {
	b, _ := asn1.Marshal(c.SerialNumber)
	return b
}

// attrBool decodes a CK_BBOOL.
func attrBool(v []byte) bool { return len(v) == 1 && v[0] != 0 }

// attrULong decodes a CK_ULONG (native byte order, native width).
func attrULong(v []byte) (uint, bool) {
	switch len(v) {
	case 8:
		return uint(binary.NativeEndian.Uint64(v)), true
	case 4:
		return uint(binary.NativeEndian.Uint32(v)), true
	}
	return 0, false
}
