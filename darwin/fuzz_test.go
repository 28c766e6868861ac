package darwin

// Fuzz tests of the parsers that read what macOS hands back: trust
// settings dictionaries and DER names.

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"testing"
)

// tsKeys are the keys a fuzzed usage-constraints dictionary draws from: the
// documented ones and one a later macOS might add.
var tsKeys = []string{keyPolicy, keyPolicyName, keyApplication, keyPolicyString, keyAllowedError,
	keyResult, keyKeyUsage, keyPolicyOpts, "kSecTrustSettingsFutureKey"}

// decodeTrustSettings turns fuzz bytes into the []map[string]any the FFI
// layer hands to parseTrustSettings: per value a key byte, a type byte and
// the value's bytes; 0xff starts a new dictionary.
func decodeTrustSettings(data []byte) []map[string]any {
	arr := []map[string]any{{}}
	for len(data) >= 2 {
		if data[0] == 0xff {
			arr = append(arr, map[string]any{})
			data = data[1:]
			continue
		}
		k, typ := tsKeys[int(data[0])%len(tsKeys)], data[1]%7
		data = data[2:]
		n := 0
		if len(data) > 0 {
			n = min(int(data[0]), len(data)-1)
			data = data[1:]
		}
		raw := data[:n]
		data = data[n:]
		var num int64
		if len(raw) >= 8 {
			num = int64(binary.BigEndian.Uint64(raw))
		} else if len(raw) > 0 {
			num = int64(int8(raw[0]))
		}
		var v any
		switch typ {
		case 0:
			v = string(raw)
		case 1:
			v = num
		case 2:
			v = num&1 == 1
		case 3:
			v = raw
		case 4:
			v = tsPolicy{OID: string(raw)}
		case 5:
			v = opaqueValue{TypeID: uint64(num)}
		default:
			v = map[string]any{"SSLHostname": string(raw)}
		}
		arr[len(arr)-1][k] = v
	}
	return arr
}

// FuzzParseTrustSettings feeds usage-constraints arrays of any shape (the
// user's and administrator's trust settings are written by any program the
// user runs) to the parser and, when they parse, to the evaluation that
// decides whether a certificate is an anchor.
func FuzzParseTrustSettings(f *testing.F) {
	f.Add([]byte{0, 4, 22, '1', '.', '2', '.', '8', '4', '0', '.', '1', '1', '3', '6', '3', '5', '.', '1', '0', '0', '.', '1', '.', '3',
		1, 0, 9, 's', 's', 'l', 'S', 'e', 'r', 'v', 'e', 'r', 5, 1, 1, 1})
	f.Add([]byte{5, 1, 1, 3, 0xff, 4, 1, 1, 0xfe, 6, 1, 1, 8})
	f.Add([]byte{5, 0, 1, '1'})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		settings, err := parseTrustSettings(decodeTrustSettings(data))
		if err != nil {
			return
		}
		for _, p := range []tsPolicy{tsPolicySSLServer, tsPolicySSLClient, {}} {
			ctx := anchorContext(p)
			r, _ := evaluateSettings(settings, ctx)
			_ = r.String()
			isAnchorPerConstraints(settings, true, ctx)
			isAnchorPerConstraints(settings, false, ctx)
		}
	})
}

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
