package darwin

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestSelectIdentity(t *testing.T) {
	p := newTestPKI(t)
	leafHash, _ := keyHash(p.leaf.PublicKey)
	cands := []identityInfo{
		{Cert: p.leaf, CertLabel: goodHost, KeyLabel: "Imported Private Key"},
		{Cert: p.client, KeyLabel: "client-key", KeyTag: []byte(defaultTag), KeyHash: []byte("01234567890123456789")},
		{Cert: p.client, KeyLabel: "client-key", KeyTag: []byte("com.example"), TokenID: seTokenID, KeyHash: []byte("abcdefghijabcdefghij")},
	}
	cases := []struct {
		uri  string
		want int
		err  error
	}{
		{"mackms:" + goodHost, 0, nil},
		{"mackms:label=Imported%20Private%20Key", 0, nil},
		{"mackms:hash=" + hex.EncodeToString(leafHash), 0, nil},
		{"mackms:serial=" + hex.EncodeToString(p.leaf.SerialNumber.Bytes()), 0, nil},
		{"mackms:label=client-key", 1, nil}, // the default tag is preferred
		{"mackms:label=client-key;tag=com.example", 2, nil},
		{"mackms:label=client-key;se=true", 2, nil},
		{"mackms:label=client-key;se=false", 1, nil},
		{"mackms:label=client-key;tag=", -1, ErrAmbiguous}, // any tag: two match
		{"mackms:label=nobody", -1, ErrNotFound},
		{"mackms:label=" + goodHost + ";tag=com.example", -1, ErrNotFound},
		{"mackms:label=" + goodHost + ";se=true", -1, ErrNotFound},
	}
	for _, c := range cases {
		u, err := ParseKeyURI(c.uri)
		if err != nil {
			t.Fatal(err)
		}
		got, err := selectIdentity(u, cands)
		if got != c.want || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("%s: got %d, %v; want %d, %v", c.uri, got, err, c.want, c.err)
		}
	}
	u, _ := ParseKeyURI("mackms:label=client-key;tag=")
	_, err := selectIdentity(u, cands)
	if s := err.Error(); !strings.Contains(s, "hash="+hex.EncodeToString([]byte("abcdefghijabcdefghij"))) || !strings.Contains(s, "add hash=") {
		t.Errorf("ambiguity error should list the hashes to choose from: %q", s)
	}
}

func TestChainFromTrust(t *testing.T) {
	p := newTestPKI(t)
	if got := chainFromTrust([]*x509.Certificate{p.leaf, p.inter, p.root}); len(got) != 2 || !got[1].Equal(p.inter) {
		t.Errorf("root must be dropped: %d certs", len(got))
	}
	if got := chainFromTrust([]*x509.Certificate{p.root}); len(got) != 1 {
		t.Errorf("a self-signed identity keeps its only certificate")
	}
	if got := chainFromTrust([]*x509.Certificate{p.leaf, p.inter}); len(got) != 2 {
		t.Errorf("a chain without root stays whole")
	}
}
