package trust

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust/internal/gencipher/suitetable"
)

// TestCipherSuiteTableUpToDate runs the generator in memory and compares
// its output with the committed ciphersuite_table.go.
func TestCipherSuiteTableUpToDate(t *testing.T) {
	f, err := os.Open("ciphersuites.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := suitetable.Parse(f, "ciphersuites.tsv")
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.Open("internal/gencipher/openssl_outside.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	outside, err := suitetable.ParseNames(g, "openssl_outside.txt", rows)
	if err != nil {
		t.Fatal(err)
	}
	want, err := suitetable.Generate(rows, outside)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("ciphersuite_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("ciphersuite_table.go is out of date with ciphersuites.tsv: run `go generate ./trust` and commit the result")
	}
	if !bytes.HasPrefix(got, []byte(suitetable.Header+"\n")) {
		t.Errorf("ciphersuite_table.go does not start with %q", suitetable.Header)
	}
}

// TestCipherSuiteTablePEP543 checks the table against what PEP 543 says of
// its enumeration: about 110 suites, none with NULL, anonymous, export,
// PSK, SRP, KRB5, DSS, ARIA, DES-only, RC2 or MD5 parts, plus the five
// TLS 1.3 suites.
func TestCipherSuiteTablePEP543(t *testing.T) {
	all := CipherSuites()
	if len(all) != 112 {
		t.Errorf("table has %d suites, PEP 543 lists 112", len(all))
	}
	if !slices.IsSorted(all) {
		t.Error("CipherSuites is not in IANA-value order")
	}
	for _, c := range all {
		name := c.String()
		for _, bad := range []string{"NULL", "anon", "EXPORT", "PSK", "SRP", "KRB5", "DSS", "ARIA", "_DES_CBC", "RC2", "MD5"} {
			if strings.Contains(name, bad) {
				t.Errorf("%s: PEP 543 excludes %s suites", name, bad)
			}
		}
	}
	var tls13 []CipherSuite
	for _, c := range all {
		if c.IsTLS13() {
			tls13 = append(tls13, c)
		}
	}
	want13 := []CipherSuite{TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_CCM_SHA256, TLS_AES_128_CCM_8_SHA256}
	if !slices.Equal(tls13, want13) {
		t.Errorf("TLS 1.3 suites = %v, want %v", tls13, want13)
	}
	if uint16(TLS_AES_128_GCM_SHA256) != 0x1301 || uint16(TLS_AES_128_CCM_8_SHA256) != 0x1305 || uint16(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) != 0xC02F {
		t.Error("constants do not hold their IANA values")
	}
	all[0] = 0
	if CipherSuites()[0] == 0 {
		t.Error("CipherSuites returned the table itself, not a copy")
	}
}

func TestCipherSuiteStringAndNames(t *testing.T) {
	for _, tc := range []struct {
		c             CipherSuite
		name, openssl string
	}{
		{TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
		{TLS_RSA_WITH_3DES_EDE_CBC_SHA, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
		{TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
		{TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "ECDH-RSA-AES128-GCM-SHA256"},
		{TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", ""},
		{0x00FF, "CipherSuite(0x00FF)", ""}, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV: not in the table
		{0xABCD, "CipherSuite(0xABCD)", ""},
		{0x0000, "CipherSuite(0x0000)", ""},
	} {
		if got := tc.c.String(); got != tc.name {
			t.Errorf("CipherSuite(%#04x).String() = %q, want %q", uint16(tc.c), got, tc.name)
		}
		if got := tc.c.OpenSSLName(); got != tc.openssl {
			t.Errorf("%v.OpenSSLName() = %q, want %q", tc.c, got, tc.openssl)
		}
		if got, ok := CipherSuiteByName(tc.name); ok != tc.c.Known() || ok && got != tc.c {
			t.Errorf("CipherSuiteByName(%q) = %v, %t", tc.name, got, ok)
		}
		if tc.openssl != "" {
			if got, ok := CipherSuiteByOpenSSLName(tc.openssl); !ok || got != tc.c {
				t.Errorf("CipherSuiteByOpenSSLName(%q) = %v, %t", tc.openssl, got, ok)
			}
		}
	}
	for _, c := range CipherSuites() {
		if got, ok := CipherSuiteByName(c.String()); !ok || got != c {
			t.Errorf("CipherSuiteByName(%q) = %v, %t; want %v", c.String(), got, ok, uint16(c))
		}
		if n := c.OpenSSLName(); n != "" {
			if got, ok := CipherSuiteByOpenSSLName(n); !ok || got != c {
				t.Errorf("CipherSuiteByOpenSSLName(%q) = %v, %t; want %v", n, got, ok, c)
			}
		}
	}
	for _, name := range []string{"", "tls_aes_128_gcm_sha256", "HIGH", "ECDHE-RSA-AES128-GCM-SHA256", "CipherSuite(0x1301)"} {
		if c, ok := CipherSuiteByName(name); ok {
			t.Errorf("CipherSuiteByName(%q) = %v, want no match", name, c)
		}
	}
	if c, ok := CipherSuiteByOpenSSLName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"); ok {
		t.Errorf("CipherSuiteByOpenSSLName accepted an IANA name: %v", c)
	}
}

func TestCipherSuiteMetadata(t *testing.T) {
	for _, tc := range []struct {
		c            CipherSuite
		known, tls13 bool
		aead         bool
		kx, auth     string
		bits         int
		goSupported  bool
	}{
		{TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, true, false, true, "ECDHE", "ECDSA", 256, true},
		{TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, true, false, true, "ECDHE", "RSA", 256, true},
		{TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, true, false, true, "DHE", "RSA", 128, false},
		{TLS_RSA_WITH_AES_128_CBC_SHA, true, false, false, "RSA", "RSA", 128, true},
		{TLS_RSA_WITH_3DES_EDE_CBC_SHA, true, false, false, "RSA", "RSA", 112, true},
		{TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA, true, false, false, "ECDH", "ECDSA", 128, false},
		{TLS_DH_RSA_WITH_AES_256_GCM_SHA384, true, false, true, "DH", "RSA", 256, false},
		{TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, true, false, true, "ECDHE", "ECDSA", 128, false},
		{TLS_AES_256_GCM_SHA384, true, true, true, "any", "any", 256, true},
		{TLS_AES_128_CCM_SHA256, true, true, true, "any", "any", 128, false},
		{0x00FF, false, false, false, "", "", 0, false},
		{0x1306, false, false, false, "", "", 0, false},
	} {
		got := fmt.Sprint(tc.c.Known(), tc.c.IsTLS13(), tc.c.IsAEAD(), tc.c.KeyExchange(), tc.c.Authentication(), tc.c.Bits(), tc.c.GoSupported())
		want := fmt.Sprint(tc.known, tc.tls13, tc.aead, tc.kx, tc.auth, tc.bits, tc.goSupported)
		if got != want {
			t.Errorf("%v: Known IsTLS13 IsAEAD KeyExchange Authentication Bits GoSupported = %s, want %s", tc.c, got, want)
		}
	}
}

// TestCipherSuiteGoMapping checks GoSupported against crypto/tls, and the
// table's IANA names against Go's names for the same values.
func TestCipherSuiteGoMapping(t *testing.T) {
	goIDs := map[uint16]bool{}
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, s := range list {
			goIDs[s.ID] = true
			c := CipherSuite(s.ID)
			if !c.GoSupported() {
				t.Errorf("%s: GoSupported() = false, but crypto/tls implements it", s.Name)
			}
			if !c.Known() {
				t.Errorf("%s (0x%04X) is implemented by crypto/tls but missing from the table", s.Name, s.ID)
			} else if c.String() != s.Name {
				t.Errorf("0x%04X: table name %q, crypto/tls name %q", s.ID, c.String(), s.Name)
			}
		}
	}
	for _, c := range CipherSuites() {
		if c.GoSupported() != goIDs[uint16(c)] {
			t.Errorf("%v: GoSupported() = %t, crypto/tls says %t", c, c.GoSupported(), goIDs[uint16(c)])
		}
	}
	if CipherSuite(0x00FF).GoSupported() {
		t.Error("0x00FF (SCSV) reported as supported")
	}
}

// TestCipherSuiteTableMatchesOpenSSL compares names, versions and
// algorithms with the installed OpenSSL for every suite both know.
func TestCipherSuiteTableMatchesOpenSSL(t *testing.T) {
	known := opensslCiphers(t, "ALL:COMPLEMENTOFALL")
	defaults := map[CipherSuite]bool{}
	for _, o := range opensslCiphers(t, "DEFAULT") {
		defaults[o.id] = true
	}
	compared := 0
	for _, o := range known {
		c := o.id
		if !c.Known() {
			if !opensslNamesOutsideTable[o.name] {
				t.Errorf("OpenSSL suite %s (0x%04X) is neither in the table nor in internal/gencipher/openssl_outside.txt", o.name, uint16(c))
			}
			continue
		}
		compared++
		in := c.info()
		if c.String() != o.stdname || c.OpenSSLName() != o.name {
			t.Errorf("0x%04X: table names %s / %s, OpenSSL %s / %s", uint16(c), c, c.OpenSSLName(), o.stdname, o.name)
		}
		if in.version != o.version || in.mac != o.mac || fmt.Sprintf("%s(%d)", in.enc, in.keyBits) != o.enc {
			t.Errorf("%v: table %s %s(%d) %s, OpenSSL %s %s %s", c, in.version, in.enc, in.keyBits, in.mac, o.version, o.enc, o.mac)
		}
		if !c.IsTLS13() && in.notDefault == defaults[c] {
			t.Errorf("%v: notdefault flag is %t, but OpenSSL's DEFAULT has it: %t", c, in.notDefault, defaults[c])
		}
		if in.nameOnly != c.IsTLS13() {
			t.Errorf("%v: OpenSSL 3 has it, so only TLS 1.3 suites may be nameonly", c)
		}
	}
	if compared < 40 {
		t.Errorf("compared only %d suites with OpenSSL", compared)
	}
	t.Logf("compared %d suites with %s", compared, opensslVersion(t))
}

func FuzzCipherSuiteByName(f *testing.F) {
	for _, c := range CipherSuites() {
		f.Add(c.String(), uint16(c))
		f.Add(c.OpenSSLName(), uint16(c))
	}
	for _, s := range []string{"", "HIGH", "tls_aes_128_gcm_sha256", "CipherSuite(0x00FF)", "TLS_\x00", "\xff"} {
		f.Add(s, uint16(0x00FF))
	}
	f.Fuzz(func(t *testing.T, name string, v uint16) {
		c, ok := CipherSuiteByName(name)
		c2, ok2 := CipherSuiteByName(name)
		if c != c2 || ok != ok2 {
			t.Fatalf("CipherSuiteByName(%q) not deterministic", name)
		}
		if ok && (!c.Known() || c.String() != name) {
			t.Fatalf("CipherSuiteByName(%q) = %v (known %t)", name, c, c.Known())
		}
		if !ok && c != 0 {
			t.Fatalf("CipherSuiteByName(%q) = %v, false: want the zero value", name, c)
		}
		if o, ok := CipherSuiteByOpenSSLName(name); ok && (!o.Known() || o.OpenSSLName() != name) {
			t.Fatalf("CipherSuiteByOpenSSLName(%q) = %v, whose OpenSSL name is %q", name, o, o.OpenSSLName())
		}

		raw := CipherSuite(v)
		s := raw.String()
		back, ok := CipherSuiteByName(s)
		switch {
		case raw.Known() && (!ok || back != raw):
			t.Fatalf("round trip of %#04x: String %q, ByName %v, %t", v, s, back, ok)
		case !raw.Known() && (ok || s != fmt.Sprintf("CipherSuite(0x%04X)", v)):
			t.Fatalf("unknown %#04x: String %q, ByName ok %t", v, s, ok)
		case !raw.Known() && (raw.OpenSSLName() != "" || raw.Bits() != 0 || raw.KeyExchange() != "" || raw.IsAEAD() || raw.IsTLS13()):
			t.Fatalf("unknown %#04x has metadata", v)
		}
	})
}
