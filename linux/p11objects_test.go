package linux

import (
	"crypto/sha1"
	"encoding/asn1"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/nativetls/nativetls/pkcs11"
	"github.com/nativetls/nativetls/trust"

	"github.com/nativetls/nativetls/internal/p11raw"
)

func ulong(v uint) []byte { return binary.NativeEndian.AppendUint64(nil, uint64(v)) }

func certObj(c testCert, trusted bool, extra map[uint][]byte) pkcs11.Object {
	attrs := map[uint][]byte{p11raw.CKA_VALUE: c.cert.Raw, p11raw.CKA_LABEL: []byte(c.cert.Subject.CommonName)}
	if trusted {
		attrs[p11raw.CKA_TRUSTED] = []byte{1}
	}
	for k, v := range extra {
		attrs[k] = v
	}
	return pkcs11.Object{Attrs: attrs}
}

func nssTrustObj(c testCert, server, client, email, code uint) pkcs11.Object {
	sum := sha1.Sum(c.cert.Raw)
	return pkcs11.Object{Attrs: map[uint][]byte{
		p11raw.CKA_CERT_SHA1_HASH: sum[:], p11raw.CKA_TRUST_SERVER_AUTH: ulong(server),
		p11raw.CKA_TRUST_CLIENT_AUTH: ulong(client), p11raw.CKA_TRUST_EMAIL_PROTECTION: ulong(email),
		p11raw.CKA_TRUST_CODE_SIGNING: ulong(code)}}
}

func extObj(t *testing.T, c testCert, oid asn1.ObjectIdentifier, purposes ...asn1.ObjectIdentifier) pkcs11.Object {
	inner, _ := asn1.Marshal(purposes)
	full, _ := asn1.Marshal(struct {
		ID    asn1.ObjectIdentifier
		Value []byte
	}{oid, inner})
	id, _ := asn1.Marshal(oid)
	return pkcs11.Object{Attrs: map[uint][]byte{p11raw.CKA_PUBLIC_KEY_INFO: c.cert.RawSubjectPublicKeyInfo,
		p11raw.CKA_OBJECT_ID: id, p11raw.CKA_VALUE: full}}
}

var (
	oidServer = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	oidEmail  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
)

func TestAnchorsFromTokenObjects(t *testing.T) {
	const (
		del = p11raw.CKT_NSS_TRUSTED_DELEGATOR
		mv  = p11raw.CKT_NSS_MUST_VERIFY_TRUST
		no  = p11raw.CKT_NSS_NOT_TRUSTED
	)
	server := newCert(t, "ServerOnly", true, nil)
	email := newCert(t, "EmailExt", true, nil)
	rejected := newCert(t, "RejectServer", true, nil)
	distrusted := newCert(t, "AllNotTrusted", true, nil)
	plain := newCert(t, "Plain", true, nil)
	asserted := newCert(t, "Asserted", true, nil)
	sunset := newCert(t, "Sunset", true, nil)
	flagged := newCert(t, "Flagged", true, nil)

	tok := tokenObjects{
		source: "p11-kit:test",
		certs: []pkcs11.Object{
			certObj(server, true, nil), certObj(email, true, nil), certObj(rejected, true, nil),
			certObj(distrusted, false, nil), certObj(plain, false, nil),
			certObj(asserted, false, nil),
			certObj(sunset, true, map[uint][]byte{p11raw.CKA_NSS_SERVER_DISTRUST_AFTER: []byte("240101000000Z")}),
			certObj(flagged, true, map[uint][]byte{p11raw.CKA_X_DISTRUSTED: {1}}),
			{Attrs: map[uint][]byte{p11raw.CKA_VALUE: []byte("garbage"), p11raw.CKA_LABEL: []byte("broken")}},
		},
		trusts: []pkcs11.Object{nssTrustObj(server, del, mv, mv, mv), nssTrustObj(distrusted, no, no, no, no)},
		exts: []pkcs11.Object{extObj(t, email, oidExtKeyUsage, oidEmail),
			extObj(t, rejected, oidRejectedPurposes, oidServer)},
		assertions: []pkcs11.Object{{Attrs: map[uint][]byte{p11raw.CKA_X_ASSERTION_TYPE: ulong(p11raw.CKT_X_ANCHORED_CERTIFICATE),
			p11raw.CKA_X_CERTIFICATE_VALUE: asserted.cert.Raw, p11raw.CKA_X_PURPOSE: []byte("1.3.6.1.5.5.7.3.1")}}},
	}
	res := anchorsFromTokenObjects(tok)
	got := map[string]trust.Anchor{}
	for _, a := range res.anchors {
		got[a.Certificate.Subject.CommonName] = a
		if a.Source != "p11-kit:test" {
			t.Errorf("source %q", a.Source)
		}
	}
	check := func(cn string, purposes []trust.Usage, distrusted bool) {
		t.Helper()
		a, ok := got[cn]
		if !ok {
			t.Fatalf("%s is not an anchor", cn)
		}
		if !reflect.DeepEqual(a.Purposes, purposes) || a.Distrusted != distrusted {
			t.Errorf("%s: purposes %v distrusted %v, want %v %v", cn, a.Purposes, a.Distrusted, purposes, distrusted)
		}
	}
	check("ServerOnly", []trust.Usage{trust.UsageServerAuth}, false)
	check("EmailExt", []trust.Usage{trust.UsageEmail}, false)
	check("RejectServer", []trust.Usage{trust.UsageClientAuth, trust.UsageEmail, trust.UsageCodeSigning}, false)
	check("AllNotTrusted", nil, true)
	check("Asserted", []trust.Usage{trust.UsageServerAuth}, false)
	check("Sunset", nil, false)
	check("Flagged", nil, true)
	if _, ok := got["Plain"]; ok || res.untrusted != 1 {
		t.Errorf("a certificate without trust became an anchor (untrusted=%d)", res.untrusted)
	}
	if got["Sunset"].DistrustAfter.Year() != 2024 {
		t.Errorf("DistrustAfter = %v", got["Sunset"].DistrustAfter)
	}
	if len(res.errs) != 1 {
		t.Errorf("errs = %v, want one for the broken entry", res.errs)
	}
}

func TestParseDistrustAfter(t *testing.T) {
	if _, ok, err := parseDistrustAfter([]byte{0}); ok || err != nil {
		t.Fatal("CK_FALSE must mean no date")
	}
	if _, _, err := parseDistrustAfter([]byte("not a time")); err == nil {
		t.Fatal("garbage accepted")
	}
}

// FuzzExtensionOIDs feeds stapled extension values (bytes from a PKCS#11
// module) to the decoder.
func FuzzExtensionOIDs(f *testing.F) {
	inner, _ := asn1.Marshal([]asn1.ObjectIdentifier{oidEmail})
	f.Add(inner)
	f.Add([]byte{0x30, 0x16, 0x06, 0x03, 0x55, 0x1d, 0x25, 0x01, 0x01, 0xff, 0x04, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04})
	f.Fuzz(func(t *testing.T, b []byte) {
		extensionOIDs(b)
		parseDistrustAfter(b)
		ps := newPurposeSet()
		id, _ := asn1.Marshal(oidExtKeyUsage)
		applyExtension(&ps, pkcs11.Object{Attrs: map[uint][]byte{p11raw.CKA_OBJECT_ID: id, p11raw.CKA_VALUE: b}})
	})
}
