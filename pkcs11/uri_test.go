package pkcs11

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseURI(t *testing.T) {
	u, err := ParseURI("pkcs11:token=web;object=server%20key;id=%01%02%ff;type=private;slot-id=3;library-version=2.40?module-name=softhsm2&pin-source=file:/etc/pin&max-sessions=4")
	if err != nil {
		t.Fatal(err)
	}
	if u.Token != "web" || u.Object != "server key" || !bytes.Equal(u.ID, []byte{1, 2, 0xff}) ||
		u.Type != "private" || u.SlotID != 3 || !u.Has("slot-id") || u.LibraryVersion != "2.40" ||
		u.ModuleName != "softhsm2" || u.PINSource != "file:/etc/pin" || u.MaxSessions != 4 {
		t.Fatalf("parsed %+v", u)
	}
	want := "pkcs11:library-version=2.40;slot-id=3;token=web;object=server%20key;type=private;id=%01%02%FF?module-name=softhsm2&pin-source=file:/etc/pin&max-sessions=4"
	if got := u.String(); got != want {
		t.Errorf("String()\n got %s\nwant %s", got, want)
	}
}

// rfc7512Examples are the examples of RFC 7512 section 3.
var rfc7512Examples = []string{
	"pkcs11:",
	"pkcs11:object=my-pubkey;type=public",
	"pkcs11:object=my-key;type=private?pin-source=file:/etc/token",
	"pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin",
	"pkcs11:object=my-sign-key;type=private?module-name=mypkcs11",
	"pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1",
	"pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin",
	"pkcs11:slot-description=Sun%20Metaslot",
	"pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23",
	"pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;id=%01%02%03%Ba%dd%Ca%fe%04%05%06",
	"pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert",
	"pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert",
	"pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a?pin-source=file:/etc/token_pin&vendor-bbb=value-b",
}

func TestParseURIExamplesRFC7512(t *testing.T) {
	for _, s := range rfc7512Examples {
		u, err := ParseURI(s)
		if strings.Contains(s, "vendor-aaa") {
			// RFC's example uses un-prefixed vendor names; we require x-.
			if err == nil || !strings.Contains(err.Error(), "vendor-aaa") {
				t.Errorf("%s: err = %v, want unknown attribute vendor-aaa", s, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		u2, err := ParseURI(u.String())
		if err != nil || !u2.Equal(u) {
			t.Errorf("%s: round trip %s: %v", s, u.String(), err)
		}
	}
}

func TestParseURIPlusIsNotSpace(t *testing.T) {
	u, err := ParseURI("pkcs11:token=a+b?pin-value=1+2")
	if err != nil {
		t.Fatal(err)
	}
	if u.Token != "a+b" || u.PINValue != "1+2" {
		t.Fatalf("token %q pin %q", u.Token, u.PINValue)
	}
}

func TestParseURIEmptyValue(t *testing.T) {
	u, err := ParseURI("pkcs11:serial=;token=x")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Has("serial") || u.Has("model") {
		t.Fatal("presence of empty attribute lost")
	}
	if u.String() != "pkcs11:serial=;token=x" {
		t.Fatalf("String() = %s", u.String())
	}
}

func TestParseURIErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://x", "must start with"},
		{"pkcs11:tokn=web", `"tokn"`},
		{"pkcs11:token=web;token=x", "token given twice"},
		{"pkcs11:token=a%2", "two hex digits"},
		{"pkcs11:token=a%zz", "two hex digits"},
		{"pkcs11:token=a b", "must be percent-encoded"},
		{"pkcs11:token=a/b", "must be percent-encoded"},
		{"pkcs11:token", "no '=value'"},
		{"pkcs11:token=x;", "stray separator"},
		{"pkcs11:token=x?", "empty query"},
		{"pkcs11:type=key", "type"},
		{"pkcs11:slot-id=-1", "slot-id"},
		{"pkcs11:slot-id=99999999999999999999999", "too large"},
		{"pkcs11:library-version=1.x", "library-version"},
		{"pkcs11:?token=x", "belongs in the path"},
		{"pkcs11:pin-value=1", "belongs in the query"},
		{"pkcs11:token=x?pin-value=1&pin-source=/f", "both"},
		{"pkcs11:token=x?max-sessions=0", "max-sessions"},
		{"pkcs11:token=%FF", "UTF-8"},
		{"pkcs11:token=x?pin-value=s3cr3tpin&foo=1", `"foo"`},
	} {
		_, err := ParseURI(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidURI) {
			t.Errorf("ParseURI(%q) = %v, want error containing %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3tpin") {
			t.Errorf("error leaks the PIN: %v", err)
		}
	}
}

func TestURIRedacted(t *testing.T) {
	u, _ := ParseURI("pkcs11:token=x?pin-value=1234")
	if strings.Contains(u.Redacted(), "1234") {
		t.Fatal(u.Redacted())
	}
}

func TestParseURIVendor(t *testing.T) {
	u, err := ParseURI("pkcs11:token=x;x-a=1?x-b=%20&x-b=2")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Vendor) != 3 || u.String() != "pkcs11:token=x;x-a=1?x-b=%20&x-b=2" {
		t.Fatalf("%+v %s", u.Vendor, u.String())
	}
}

// FuzzParseURI checks that every URI that parses survives String and
// ParseURI unchanged; the seeds add the RFC's examples.
func FuzzParseURI(f *testing.F) {
	for _, s := range append([]string{
		"pkcs11:token=web;object=server",
		"pkcs11:id=%01%02;type=cert?pin-value=1+2&module-path=/usr/lib/x.so",
		"pkcs11:slot-id=1;library-version=1.2;x-v=a?max-sessions=3&x-q=%25",
		"pkcs11:serial=;token=%C3%A1",
	}, rfc7512Examples...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURI(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidURI) {
				t.Fatalf("error without ErrInvalidURI: %v", err)
			}
			return
		}
		out := u.String()
		u2, err := ParseURI(out)
		if err != nil {
			t.Fatalf("ParseURI(%q).String() = %q does not parse: %v", s, out, err)
		}
		if !u2.Equal(u) || u2.String() != out {
			t.Fatalf("round trip changed %q: %q vs %q", s, out, u2.String())
		}
	})
}

// TestTypedURIs: OpenKey names private keys and LoadCertificates
// certificates; another type attribute is refused before any module loads.
func TestTypedURIs(t *testing.T) {
	_, err := OpenKey("pkcs11:token=x;type=cert", nil)
	if want := "type=cert cannot name a private key; use type=private or leave it out"; !errors.Is(err, ErrInvalidURI) || !strings.Contains(fmt.Sprint(err), want) {
		t.Errorf("OpenKey: %v, want %q", err, want)
	}
	_, err = LoadCertificates("pkcs11:token=x;type=private", nil)
	if want := "type=private cannot name certificates; use type=cert or leave it out"; !errors.Is(err, ErrInvalidURI) || !strings.Contains(fmt.Sprint(err), want) {
		t.Errorf("LoadCertificates: %v, want %q", err, want)
	}
}
