package windows

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
)

func TestParseCAPIURI(t *testing.T) {
	thumb := strings.Repeat("ab", 20)
	rows := []struct {
		in   string
		want CAPIURI
	}{
		{"capi:sha1=" + thumb, CAPIURI{Location: CurrentUser, Store: "My", SHA1: mustHex(thumb)}},
		{"capi:store-location=machine;store=My;sha1=" + strings.ToUpper(thumb), CAPIURI{Location: LocalMachine, Store: "My", SHA1: mustHex(thumb)}},
		{"CAPI:store-location=user;store=Root;key-id=0a:0B:0c", CAPIURI{Store: "Root", KeyID: []byte{10, 11, 12}}},
		{"capi:cn=My%20Server", CAPIURI{Store: "My", SubjectCN: "My Server"}},
		{"capi:subject=web.example", CAPIURI{Store: "My", SubjectCN: "web.example"}},
		{"capi:issuer=Corp CA;serial=0x1f", CAPIURI{Store: "My", Issuer: "Corp CA", Serial: big.NewInt(31)}},
		{"capi:issuer=Corp CA;serial=31;", CAPIURI{Store: "My", Issuer: "Corp CA", Serial: big.NewInt(31)}},
		{"capi:issuer=Corp CA;cn=host", CAPIURI{Store: "My", Issuer: "Corp CA", SubjectCN: "host"}},
		{"capi:sha1=" + thumb + "?pin-value=1234", CAPIURI{Store: "My", SHA1: mustHex(thumb), PIN: "1234"}},
	}
	for _, r := range rows {
		u, err := ParseCAPIURI(r.in)
		if err != nil {
			t.Errorf("ParseCAPIURI(%q): %v", r.in, err)
			continue
		}
		w := r.want
		if u.Location != w.Location || u.Store != w.Store || hex.EncodeToString(u.SHA1) != hex.EncodeToString(w.SHA1) ||
			hex.EncodeToString(u.KeyID) != hex.EncodeToString(w.KeyID) || u.SubjectCN != w.SubjectCN || u.Issuer != w.Issuer ||
			(u.Serial == nil) != (w.Serial == nil) || (u.Serial != nil && u.Serial.Cmp(w.Serial) != 0) || u.PIN != w.PIN {
			t.Errorf("ParseCAPIURI(%q) = %+v, want %+v", r.in, u, w)
		}
		if strings.Contains(u.String(), "1234") {
			t.Errorf("String leaks the PIN: %s", u)
		}
	}
}

func TestParseCAPIURIErrors(t *testing.T) {
	rows := []struct{ in, msg string }{
		{"pkcs11:token=x", `must start with "capi:"`},
		{"capi:", "names no certificate"},
		{"capi:store=My", "names no certificate"},
		{"capi:sha1=abcd", "20 bytes"},
		{"capi:sha1=zz", "hex digits"},
		{"capi:serial=12", "serial needs issuer"},
		{"capi:issuer=CA", "issuer needs serial or cn"},
		{"capi:issuer=CA;serial=-5", "decimal or 0x"},
		{"capi:store-location=service;cn=a", "unknown store location"},
		{"capi:cn=a;cn=b", "given twice"},
		{"capi:cn=a;colour=blue", `unknown attribute "colour"`},
		{"capi:key=mykey", "key is not supported"},
		{"capi:friendly-name=x", "friendly-name is not supported"},
		{"capi:cn", "has no '='"},
		{"capi:cn=%zz", "percent-encoding"},
		{"capi:cn=a?pin-source=file", "only pin-value"},
		{"capi:store=;cn=a", "store is empty"},
	}
	for _, r := range rows {
		_, err := ParseCAPIURI(r.in)
		var ue *URIError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), r.msg) || !strings.HasPrefix(err.Error(), "windows: ") {
			t.Errorf("ParseCAPIURI(%q) = %v, want a *URIError containing %q", r.in, err, r.msg)
		}
	}
	_, err := ParseCAPIURI("capi:cn=a;bogus=1?pin-value=secret")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the PIN: %v", err)
	}
}

func TestCAPIURIMatches(t *testing.T) {
	p := newPKI(t, "match", "m.example")
	sum := sha1.Sum(p.leaf.Raw)
	ok := []string{
		"capi:sha1=" + hex.EncodeToString(sum[:]),
		"capi:cn=m.example",
		"capi:issuer=match Intermediate;serial=" + p.leaf.SerialNumber.String(),
		"capi:issuer=match Intermediate;serial=0x" + p.leaf.SerialNumber.Text(16),
	}
	if len(p.leaf.SubjectKeyId) > 0 {
		ok = append(ok, "capi:key-id="+hex.EncodeToString(p.leaf.SubjectKeyId))
	}
	for _, s := range ok {
		if u, err := ParseCAPIURI(s); err != nil || !u.Matches(p.leaf) {
			t.Errorf("%s does not match the leaf (%v)", s, err)
		}
	}
	for _, s := range []string{"capi:cn=other", "capi:issuer=match Root;serial=" + p.leaf.SerialNumber.String(), "capi:sha1=" + strings.Repeat("00", 20)} {
		if u, _ := ParseCAPIURI(s); u.Matches(p.leaf) {
			t.Errorf("%s matches the leaf", s)
		}
	}
	u, _ := ParseCAPIURI("capi:cn=m.example")
	if u.Matches(nil) {
		t.Error("matches nil")
	}
}

func FuzzParseCAPIURI(f *testing.F) {
	for _, s := range []string{"capi:sha1=" + strings.Repeat("ab", 20), "capi:issuer=a;serial=0x10", "capi:cn=%41?pin-value=1", "capi:;;", "capi:key-id=0a:0b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseCAPIURI(s)
		if err != nil {
			if u != nil {
				t.Fatal("non-nil URI with an error")
			}
			return
		}
		if u.SHA1 == nil && u.KeyID == nil && u.SubjectCN == "" && u.Issuer == "" {
			t.Fatalf("%q parsed but names no certificate", s)
		}
		_ = u.String()
	})
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestCAPIURIStringOfLiteral: a CAPIURI made as a literal (as nativetls
// keys does for each MY certificate) prints a URI that parses back to it;
// String used to return "" for it.
func TestCAPIURIStringOfLiteral(t *testing.T) {
	thumb := mustHex(strings.Repeat("cd", 20))
	for _, u := range []*CAPIURI{
		{Location: LocalMachine, Store: "My", SHA1: thumb},
		{SHA1: thumb},
		{Store: "Root", KeyID: []byte{1, 2}, SubjectCN: "a;b c%d"},
		{Issuer: "Corp CA; Ltd", Serial: big.NewInt(255), PIN: "1234"},
	} {
		s := u.String()
		back, err := ParseCAPIURI(s)
		if err != nil {
			t.Errorf("%+v: String() = %q does not parse: %v", u, s, err)
			continue
		}
		wantStore := u.Store
		if wantStore == "" {
			wantStore = "My"
		}
		if back.Location != u.Location || back.Store != wantStore || !bytes.Equal(back.SHA1, u.SHA1) || !bytes.Equal(back.KeyID, u.KeyID) ||
			back.SubjectCN != u.SubjectCN || back.Issuer != u.Issuer || (back.Serial == nil) != (u.Serial == nil) || (u.Serial != nil && back.Serial.Cmp(u.Serial) != 0) {
			t.Errorf("%+v: String() = %q parses back to %+v", u, s, back)
		}
		if strings.Contains(s, "1234") {
			t.Errorf("String leaks the PIN: %s", s)
		}
	}
}
