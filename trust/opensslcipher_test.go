package trust

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// opensslCipher is one line of `openssl ciphers -V -stdname`.
type opensslCipher struct {
	id                               CipherSuite
	stdname, name, version, enc, mac string
}

// opensslCommand runs the installed openssl with an empty configuration,
// so that the host's openssl.cnf cannot change the result.
func opensslCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed: apt-get install -y openssl")
	}
	conf := filepath.Join(tempDir(t), "openssl.cnf")
	if err := os.WriteFile(conf, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "OPENSSL_CONF="+conf)
	return cmd
}

// runOpenSSL runs opensslCommand in dir and fails the test if it fails.
func runOpenSSL(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := opensslCommand(t, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func opensslVersion(t *testing.T) string {
	out, err := opensslCommand(t, "version").Output()
	if err != nil {
		t.Fatalf("openssl version: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// opensslCiphers returns OpenSSL's ordered list for a cipher string, or
// nil when OpenSSL says the string selects nothing.
func opensslCiphers(t *testing.T, cipherString string) []opensslCipher {
	t.Helper()
	out, err := opensslCommand(t, "ciphers", "-V", "-stdname", "--", cipherString).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "no cipher match") {
			return nil
		}
		t.Fatalf("openssl ciphers %q: %v\n%s", cipherString, err, out)
	}
	var list []opensslCipher
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || !strings.HasPrefix(f[0], "0x") {
			continue
		}
		hi, err1 := strconv.ParseUint(f[0][2:4], 16, 8)
		lo, err2 := strconv.ParseUint(f[0][7:9], 16, 8)
		if err1 != nil || err2 != nil || f[1] != "-" || f[3] != "-" {
			t.Fatalf("cannot parse openssl output line %q", line)
		}
		o := opensslCipher{id: CipherSuite(hi<<8 | lo), stdname: f[2], name: f[4], version: f[5]}
		for _, kv := range f[6:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "Enc":
				o.enc = v
			case "Mac":
				o.mac = v
			}
		}
		list = append(list, o)
	}
	return list
}

// opensslCipherStrings are compared with the installed OpenSSL: real
// configurations (nginx and Apache defaults, Mozilla's recommendations,
// cipherli.st) and strings that exercise each operator.
var opensslCipherStrings = []string{
	"ECDH+AESGCM:!aNULL",
	"HIGH:!aNULL:!MD5",
	"ECDHE+AESGCM:ECDHE+CHACHA20:-SHA1:@STRENGTH",
	// Mozilla intermediate (v5.x).
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305",
	// Mozilla old (v5.x).
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA",
	// Mozilla intermediate of 2015, with the aliases of its day.
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:kEDH+AESGCM:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:AES:CAMELLIA:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!aECDH:!EDH-DSS-DES-CBC3-SHA:!KRB5-DES-CBC3-SHA",
	"EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH",
	"ECDH+AESGCM:ECDH+AES256:ECDH+AES128:DH+3DES:!ADH:!AECDH:!MD5",
	"kRSA:+AES256",
	"DEFAULT",
	"DEFAULT:!kRSA:-SHA1",
	"ALL:!aNULL:!eNULL:@STRENGTH",
	"ALL:-ECDHE:+kRSA:ECDHE",
	"AES:-AES256:CAMELLIA:+AES128",
	"HIGH:MEDIUM:!3DES:-CAMELLIA:CAMELLIA256:@SECLEVEL=2",
	"TLSv1.2+AESGCM:SSLv3+aRSA",
	"SHA256+ECDSA:RSA+SHA384:TLSv1+kECDHE",
	"AESCCM:CHACHA20:AESCCM8:@STRENGTH:+DHE",
	"CBC:!SSLv3",
	"COMPLEMENTOFDEFAULT",
	"HIGH, !kRSA; +AES128 -SHA1",
	"SHA:SHA1:+ECDSA:-DHE:kDHE+CAMELLIA128",
	"ALL:!AESGCM:AESGCM",
}

func TestParseOpenSSLCipherStringMatchesOpenSSL(t *testing.T) {
	universe := map[CipherSuite]bool{}
	for _, o := range opensslCiphers(t, "ALL:COMPLEMENTOFALL") {
		universe[o.id] = true
	}
	t.Logf("comparing with %s", opensslVersion(t))
	for _, s := range opensslCipherStrings {
		var want []CipherSuite
		for _, o := range opensslCiphers(t, s) {
			// OpenSSL always lists its TLS 1.3 ciphersuites first; they
			// are not part of the cipher string.
			if o.id.Known() && !o.id.IsTLS13() {
				want = append(want, o.id)
			}
		}
		got, err := ParseOpenSSLCipherString(s)
		if err != nil {
			t.Errorf("ParseOpenSSLCipherString(%q): %v", s, err)
			continue
		}
		// Compare on the suites both know: OpenSSL 3 lacks some of the
		// table (static DH/ECDH, RC4, 3DES, IDEA, SEED in this build).
		got = slices.DeleteFunc(got, func(c CipherSuite) bool { return !universe[c] })
		if !slices.Equal(got, want) {
			t.Errorf("ParseOpenSSLCipherString(%q), restricted to the suites OpenSSL knows:\n got %v\nwant %v", s, opensslNames(got), opensslNames(want))
		}
		if len(want) == 0 {
			t.Errorf("%q: OpenSSL selects none of the table's suites; choose a more telling test string", s)
		}
	}
}

// randomCipherStrings is how many random strings are compared with OpenSSL
// (about 10 ms each).
var randomCipherStrings = 150

// TestParseOpenSSLCipherStringRandomVsOpenSSL compares random cipher
// strings (fixed seed) built from aliases, suite names and operators.
func TestParseOpenSSLCipherStringRandomVsOpenSSL(t *testing.T) {
	universe := map[CipherSuite]bool{}
	for _, o := range opensslCiphers(t, "ALL:COMPLEMENTOFALL") {
		universe[o.id] = true
	}
	words := []string{"ALL", "HIGH", "MEDIUM", "COMPLEMENTOFDEFAULT", "kRSA", "aRSA", "RSA", "kDHE", "DHE", "EDH",
		"ECDH", "ECDHE", "EECDH", "aECDSA", "ECDSA", "AES", "AES128", "AES256", "AESGCM", "AESCCM", "AESCCM8",
		"CAMELLIA", "CAMELLIA128", "CAMELLIA256", "CHACHA20", "3DES", "CBC", "SHA1", "SHA", "SHA256", "SHA384",
		"SSLv3", "TLSv1", "TLSv1.2", "aNULL", "eNULL", "PSK", "kECDH", "ECDHE-RSA-AES128-GCM-SHA256",
		"AES256-SHA", "DHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES256-SHA384", "CAMELLIA128-SHA"}
	rng := rand.New(rand.NewPCG(543, 748))
	for range randomCipherStrings {
		var entries []string
		if rng.IntN(5) == 0 {
			entries = append(entries, "DEFAULT")
		}
		for n := 1 + rng.IntN(6); n > 0; n-- {
			if rng.IntN(8) == 0 {
				entries = append(entries, "@STRENGTH")
				continue
			}
			e := words[rng.IntN(len(words))]
			// OpenSSL ignores the other parts of "A+B" when one is a
			// suite name (see ParseOpenSSLCipherString): join aliases only.
			if w := words[rng.IntN(len(words))]; rng.IntN(3) == 0 && !strings.Contains(e+w, "-") {
				e += "+" + w
			}
			e = []string{"", "", "", "!", "-", "+"}[rng.IntN(6)] + e
			entries = append(entries, e)
		}
		s := strings.Join(entries, ":")
		if strings.Contains(s, "COMPLEMENTOFDEFAULT+HIGH") || strings.Contains(s, "COMPLEMENTOFDEFAULT+MEDIUM") {
			continue // OpenSSL 3.0 reads these as HIGH or MEDIUM alone (see ParseOpenSSLCipherString)
		}
		var want []CipherSuite
		for _, o := range opensslCiphers(t, s) {
			if o.id.Known() && !o.id.IsTLS13() {
				want = append(want, o.id)
			}
		}
		got, err := ParseOpenSSLCipherString(s)
		if err != nil && !errors.Is(err, ErrNoCipherSuites) {
			t.Errorf("ParseOpenSSLCipherString(%q): %v", s, err)
			continue
		}
		got = slices.DeleteFunc(got, func(c CipherSuite) bool { return !universe[c] })
		if !slices.Equal(got, want) {
			t.Errorf("ParseOpenSSLCipherString(%q), restricted to the suites OpenSSL knows:\n got %v\nwant %v", s, opensslNames(got), opensslNames(want))
		}
	}
}

func opensslNames(list []CipherSuite) string {
	var names []string
	for _, c := range list {
		names = append(names, c.OpenSSLName())
	}
	return strings.Join(names, ":")
}

func mustParseCipherString(t *testing.T, s string) []CipherSuite {
	t.Helper()
	got, err := ParseOpenSSLCipherString(s)
	if err != nil {
		t.Fatalf("ParseOpenSSLCipherString(%q): %v", s, err)
	}
	return got
}

func TestParseOpenSSLCipherStringSemantics(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []CipherSuite
	}{
		// IANA and OpenSSL names, all separators, order as written.
		{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 AES128-SHA,ECDHE-ECDSA-AES256-GCM-SHA384;RC4-SHA",
			[]CipherSuite{TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_RC4_128_SHA}},
		// A suite already present is not moved by adding it again.
		{"AES128-SHA:AES256-SHA:AES128-SHA", []CipherSuite{TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA}},
		// "-" removes, a later entry re-adds (at the end).
		{"AES128-SHA:AES256-SHA:-AES128-SHA:AES128-SHA", []CipherSuite{TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA}},
		// "!" removes for good.
		{"AES128-SHA:AES256-SHA:!AES128-SHA:AES128-SHA", []CipherSuite{TLS_RSA_WITH_AES_256_CBC_SHA}},
		// "+" moves to the end and adds nothing.
		{"AES128-SHA:AES256-SHA:+AES128-SHA:+CAMELLIA", []CipherSuite{TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA}},
		// @STRENGTH is stable; 3DES counts 112 bits.
		{"DES-CBC3-SHA:AES128-SHA:AES256-SHA:AES128-SHA256:@STRENGTH", []CipherSuite{TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_RSA_WITH_3DES_EDE_CBC_SHA}},
		// TLS 1.3 suites by name, anywhere; @SECLEVEL ignored.
		{"@SECLEVEL=3:TLS_AES_128_CCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:TLS_CHACHA20_POLY1305_SHA256", []CipherSuite{TLS_AES_128_CCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256}},
		// Static suites: by name, by their 1.0.2 aliases, never by ALL or ECDH.
		{"ECDH-RSA-AES128-GCM-SHA256:TLS_DH_RSA_WITH_AES_128_CBC_SHA", []CipherSuite{TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256, TLS_DH_RSA_WITH_AES_128_CBC_SHA}},
		{"kECDHe+AESGCM", []CipherSuite{TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256}},
		{"kDHr+SEED", []CipherSuite{TLS_DH_RSA_WITH_SEED_CBC_SHA}},
		// Aliases for suites outside the table select nothing but are valid.
		{"aNULL:eNULL:EXPORT:PSK:SRP:ARIA:AES128-SHA:LOW:DSS", []CipherSuite{TLS_RSA_WITH_AES_128_CBC_SHA}},
		// Legacy EDH- name.
		{"EDH-RSA-DES-CBC3-SHA", []CipherSuite{TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA}},
		// Intersections are logical "and", even with a suite name.
		{"AES128-SHA+kRSA:AES256-SHA+TLSv1.2:RC4+IDEA:AES128-SHA256", []CipherSuite{TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA256}},
		{"MEDIUM+kRSA:@STRENGTH", []CipherSuite{TLS_RSA_WITH_SEED_CBC_SHA, TLS_RSA_WITH_IDEA_CBC_SHA, TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA}},
	} {
		if got := mustParseCipherString(t, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ParseOpenSSLCipherString(%q)\n got %v\nwant %v", tc.in, got, tc.want)
		}
	}

	all := mustParseCipherString(t, "ALL:COMPLEMENTOFDEFAULT")
	for _, c := range all {
		if c.IsTLS13() || c.info().nameOnly {
			t.Errorf("ALL selected %v, which only its name may select", c)
		}
	}
	n := 0
	for _, c := range CipherSuites() {
		if !c.info().nameOnly {
			n++
		}
	}
	if len(all) != n || n < 60 {
		t.Errorf("ALL:COMPLEMENTOFDEFAULT selected %d suites, want all %d that are not name-only", len(all), n)
	}
	for _, c := range mustParseCipherString(t, "ECDH") {
		if c.KeyExchange() != "ECDHE" {
			t.Errorf("ECDH selected %v: in OpenSSL 3 it means ephemeral ECDH only", c)
		}
	}
}

func TestParseOpenSSLCipherStringErrors(t *testing.T) {
	for _, tc := range []struct {
		in      string
		err     error
		message string
	}{
		{"ECDH+AESGCM:FOO", ErrUnknownCipher, `trust: unknown cipher "FOO" at position 3 in "ECDH+AESGCM:FOO"`},
		{"high:!aNULL", ErrUnknownCipher, `trust: unknown cipher "high" at position 1 in "high:!aNULL"; did you mean "HIGH"? (names are case-sensitive)`},
		{"adh", ErrUnknownCipher, `did you mean "ADH"?`},
		{"SUITEB128", ErrUnknownCipher, "Suite B modes are not supported"},
		{"HIGH:TLSv1.3", ErrUnknownCipher, `"TLSv1.3" at position 2`},
		{"", ErrNoCipherSuites, `trust: cipher string "" selects no cipher suites; it is empty`},
		{" : ,", ErrNoCipherSuites, "it is empty"},
		{"!ALL", ErrNoCipherSuites, `trust: cipher string "!ALL" selects no cipher suites`},
		{"HIGH:!HIGH", ErrNoCipherSuites, "selects no cipher suites"},
		{"aNULL:PSK", ErrNoCipherSuites, "selects no cipher suites"},
		{"HIGH:DEFAULT", ErrCipherStringSyntax, `trust: bad cipher string "HIGH:DEFAULT" at position 2: DEFAULT can only be the first entry`},
		{"!DEFAULT", ErrCipherStringSyntax, "DEFAULT can only be the first entry"},
		{"DEFAULT+AES", ErrCipherStringSyntax, "DEFAULT can only be the first entry"},
		{"AES+DEFAULT", ErrCipherStringSyntax, "at position 2: DEFAULT can only be the first entry"},
		{"HIGH:@STRENGHT", ErrCipherStringSyntax, `unknown command "@STRENGHT"`},
		{"HIGH:@SECLEVEL=6", ErrCipherStringSyntax, "@SECLEVEL needs one level from 0 to 5"},
		{"HIGH:@SECLEVEL=", ErrCipherStringSyntax, "@SECLEVEL needs one level"},
		{"HIGH:@STRENGTH+AES", ErrCipherStringSyntax, `character "+" cannot appear`},
		{"HIGH:@", ErrCipherStringSyntax, "a cipher name is missing"},
		{"ECDH+", ErrCipherStringSyntax, "at position 2: a cipher name is missing"},
		{"ECDH++AES", ErrCipherStringSyntax, "a cipher name is missing"},
		{"!", ErrCipherStringSyntax, "a cipher name is missing"},
		{"HIGH:!a%NULL", ErrCipherStringSyntax, `trust: bad cipher string "HIGH:!a%NULL" at position 2: character "%" cannot appear in a cipher name`},
		{"HIGH\x00", ErrCipherStringSyntax, `character "\x00"`},
		{"AES\xff", ErrCipherStringSyntax, `character "\xff"`},
	} {
		got, err := ParseOpenSSLCipherString(tc.in)
		if err == nil {
			t.Errorf("ParseOpenSSLCipherString(%q) = %v, want an error", tc.in, got)
			continue
		}
		var cse *CipherStringError
		if !errors.As(err, &cse) || !errors.Is(err, tc.err) {
			t.Errorf("ParseOpenSSLCipherString(%q) error %v (%T), want a *CipherStringError wrapping %v", tc.in, err, err, tc.err)
		}
		if !strings.Contains(err.Error(), tc.message) {
			t.Errorf("ParseOpenSSLCipherString(%q) error\n%q\ndoes not contain\n%q", tc.in, err, tc.message)
		}
		if cse != nil && cse.Input != tc.in {
			t.Errorf("CipherStringError.Input = %q, want %q", cse.Input, tc.in)
		}
	}
}

func FuzzParseOpenSSLCipherString(f *testing.F) {
	for _, s := range opensslCipherStrings {
		f.Add(s)
	}
	for _, s := range []string{"", "!", "+", "@", "ECDH++", "@SECLEVEL=9", "DEFAULT:DEFAULT", "high", "TLS_AES_128_GCM_SHA256", "a%b", "-ALL:+ALL:!ALL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseOpenSSLCipherString(s)
		again, err2 := ParseOpenSSLCipherString(s)
		if !slices.Equal(got, again) || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("not deterministic on %q: %v, %v / %v, %v", s, got, err, again, err2)
		}
		if err != nil {
			var cse *CipherStringError
			if got != nil || !errors.As(err, &cse) || cse.Input != s ||
				!(errors.Is(err, ErrUnknownCipher) || errors.Is(err, ErrCipherStringSyntax) || errors.Is(err, ErrNoCipherSuites)) {
				t.Fatalf("%q: bad error %v (%T) with result %v", s, err, err, got)
			}
			if !strings.HasPrefix(err.Error(), "trust: ") {
				t.Fatalf("%q: error %q lacks the trust: prefix", s, err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatalf("%q: no error and no suites", s)
		}
		seen := map[CipherSuite]bool{}
		for _, c := range got {
			if !c.Known() || seen[c] {
				t.Fatalf("%q: result %v has an unknown or repeated suite %v", s, got, c)
			}
			seen[c] = true
		}
	})
}
