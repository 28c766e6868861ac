package darwin

import (
	"encoding/hex"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestParseKeyURI(t *testing.T) {
	const h = "ccb792f9d9a1262bfb814a339876f825bdba1261"
	hash, _ := hex.DecodeString(h)
	serial, _ := new(big.Int).SetString("2c273934eda8454d2595a94497e2395a", 16)
	cases := []struct {
		in   string
		want KeyURI
	}{
		{"mackms:label=my-key", KeyURI{Label: "my-key"}},
		{"mackms:my-key", KeyURI{Label: "my-key"}},
		{"MACKMS:label=a%20b%3Bc", KeyURI{Label: "a b;c"}},
		{"mackms:label=k;tag=com.example;hash=" + h + ";se=true;bio=true",
			KeyURI{Label: "k", Tag: "com.example", TagSet: true, Hash: hash, SecureEnclave: true, SecureEnclaveSet: true, Biometrics: true}},
		{"mackms:label=k;tag=", KeyURI{Label: "k", TagSet: true}},
		{"mackms:hash=CC:B7:92:F9:D9:A1:26:2B:FB:81:4A:33:98:76:F8:25:BD:BA:12:61", KeyURI{Hash: hash}},
		{"mackms:serial=2c273934eda8454d2595a94497e2395a", KeyURI{Serial: serial}},
		{"mackms:label=server;keychain=/tmp/ci.keychain-db;se=false", KeyURI{Label: "server", Keychain: "/tmp/ci.keychain-db", SecureEnclaveSet: true}},
		{"mackms:label=k;", KeyURI{Label: "k"}},
	}
	for _, c := range cases {
		got, err := ParseKeyURI(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.in, *got, c.want)
		}
		again, err := ParseKeyURI(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("%s: round trip through %q gave %+v, %v", c.in, got.String(), again, err)
		}
	}
}

func TestParseKeyURIErrors(t *testing.T) {
	for in, want := range map[string]string{
		"pkcs11:token=x":           "must start with",
		"label=x":                  "must start with",
		"mackms:":                  "at least one of",
		"mackms:tag=x":             "at least one of",
		"mackms:label=a;label=b":   "given twice",
		"mackms:label=a;color=red": "unknown attribute",
		"mackms:label=a;hash=zz":   "not hexadecimal",
		"mackms:label=a;hash=abcd": "40 hex digits",
		"mackms:label=a;se=maybe":  "se:",
		"mackms:label=a;tag":       "has no value",
		"mackms:label=a?x=1":       "are not allowed",
		"mackms:label=%zz":         "percent-encoding",
		"mackms:label=a;keychain=": "keychain is empty",
		"mackms:serial=":           "serial is empty",
	} {
		_, err := ParseKeyURI(in)
		if err == nil {
			t.Errorf("%q: no error", in)
			continue
		}
		if !errors.Is(err, ErrInvalidURI) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), in) {
			t.Errorf("%q: error %q should match ErrInvalidURI, name the URI and say %q", in, err, want)
		}
	}
}

func FuzzParseKeyURI(f *testing.F) {
	for _, s := range []string{"mackms:label=k;tag=t;hash=ccb792f9d9a1262bfb814a339876f825bdba1261;se=true", "mackms:x", "mackms:serial=01;keychain=/a%3Bb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseKeyURI(s)
		if err != nil {
			return
		}
		again, err := ParseKeyURI(u.String())
		if err != nil {
			t.Fatalf("%q parsed, but its String %q does not: %v", s, u.String(), err)
		}
		if !reflect.DeepEqual(again, u) {
			t.Fatalf("%q: round trip changed %+v into %+v", s, u, again)
		}
	})
}

func TestKeyOptionsKeychain(t *testing.T) {
	u, _ := ParseKeyURI("mackms:label=a")
	if err := applyKeyOptions(u, nil); err != nil || u.Keychain != "" {
		t.Fatalf("nil options: %v %q", err, u.Keychain)
	}
	if err := applyKeyOptions(u, &KeyOptions{Keychain: "/k/a.keychain"}); err != nil || u.Keychain != "/k/a.keychain" {
		t.Fatalf("options keychain: %v %q", err, u.Keychain)
	}
	if err := applyKeyOptions(u, &KeyOptions{Keychain: "/k/a.keychain"}); err != nil {
		t.Fatalf("same keychain twice: %v", err)
	}
	var ce *trust.ConfigurationError
	if err := applyKeyOptions(u, &KeyOptions{Keychain: "/k/b.keychain"}); !errors.As(err, &ce) {
		t.Fatalf("conflicting keychains: %v", err)
	}
}
