package windows

import (
	"encoding/asn1"
	"slices"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestPurposesFromEKUProperty(t *testing.T) {
	enc := func(oids ...asn1.ObjectIdentifier) []byte {
		if oids == nil {
			oids = []asn1.ObjectIdentifier{}
		}
		b, err := asn1.Marshal(oids)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	p, dis, unk, err := purposesFromEKUProperty(enc(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}, asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}))
	if err != nil || dis || unk != 1 || !slices.Equal(p, []trust.Usage{trust.UsageServerAuth}) {
		t.Errorf("serverAuth+timeStamping: %v %v %d %v", p, dis, unk, err)
	}
	if _, dis, _, err := purposesFromEKUProperty(enc()); !dis || err != nil {
		t.Errorf("empty list must mean disabled: %v %v", dis, err)
	}
	for _, bad := range [][]byte{nil, {0x30}, append(enc(), 0)} {
		if _, _, _, err := purposesFromEKUProperty(bad); err == nil {
			t.Errorf("% x accepted", bad)
		}
	}
}

func FuzzPurposesFromEKUProperty(f *testing.F) {
	f.Add([]byte{0x30, 0x00})
	f.Add([]byte{0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, dis, _, err := purposesFromEKUProperty(b)
		if err == nil && dis && len(p) > 0 {
			t.Fatal("disabled with purposes")
		}
	})
}
