package darwin

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
)

// FuzzNormalizeName feeds arbitrary DER to the name normalizer: it must
// never panic, and a name it accepts normalizes the same way twice.
func FuzzNormalizeName(f *testing.F) {
	for _, cn := range []string{"Test  Root", " a ", ""} {
		der, _ := asn1.Marshal(pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte(cn)}}}})
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{0x30, 0x02, 0x31, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		a, ok := normalizeName(der)
		b, ok2 := normalizeName(der)
		if ok != ok2 || !bytes.Equal(a, b) {
			t.Fatalf("not deterministic")
		}
		if ok {
			if _, again := normalizeName(der); !again {
				t.Fatal("accepted once, refused once")
			}
		}
	})
}
