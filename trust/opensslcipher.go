package trust

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Sentinel errors of ParseOpenSSLCipherString, wrapped in a
// *CipherStringError and usable with errors.Is.
var (
	// ErrUnknownCipher means a name in a cipher string is neither a suite
	// name (OpenSSL or IANA) nor a cipher-string alias.
	ErrUnknownCipher = errors.New("trust: unknown cipher")
	// ErrCipherStringSyntax means a cipher string is malformed: a character
	// no name may contain, a missing name, an unknown @command.
	ErrCipherStringSyntax = errors.New("trust: bad cipher string")
	// ErrNoCipherSuites means a cipher string is well formed but selects
	// no cipher suite at all.
	ErrNoCipherSuites = errors.New("trust: cipher string selects no cipher suites")
)

// CipherStringError reports a cipher string that ParseOpenSSLCipherString
// cannot use, and where in it the problem is.
type CipherStringError struct {
	// Input is the whole cipher string as given.
	Input string
	// Token is the offending name or command; "" when the problem is the
	// string as a whole (ErrNoCipherSuites).
	Token string
	// Position counts the names of Input from 1, each part of a
	// "+"-joined name counting as one: in "ECDH+AESGCM:FOO", FOO is at
	// position 3. It is 0 when Token is "".
	Position int
	// Detail says what is wrong with Token for syntax errors, or suggests
	// a fix; it may be "".
	Detail string
	// Err is ErrUnknownCipher, ErrCipherStringSyntax or ErrNoCipherSuites.
	Err error
}

// Error describes the problem and where it is, quoting the cipher string.
func (e *CipherStringError) Error() string {
	switch {
	case errors.Is(e.Err, ErrUnknownCipher):
		s := fmt.Sprintf("trust: unknown cipher %q at position %d in %q", e.Token, e.Position, e.Input)
		if e.Detail != "" {
			s += "; " + e.Detail
		}
		return s
	case errors.Is(e.Err, ErrNoCipherSuites):
		return fmt.Sprintf("trust: cipher string %q selects no cipher suites; %s", e.Input, e.Detail)
	}
	return fmt.Sprintf("trust: bad cipher string %q at position %d: %s", e.Input, e.Position, e.Detail)
}

// Unwrap returns the sentinel: ErrUnknownCipher, ErrCipherStringSyntax or
// ErrNoCipherSuites.
func (e *CipherStringError) Unwrap() error { return e.Err }

// opensslDefaultRules is what DEFAULT stands for in OpenSSL 3
// (OSSL_default_cipher_list).
const opensslDefaultRules = "ALL:!COMPLEMENTOFDEFAULT:!eNULL"

// ParseOpenSSLCipherString turns an OpenSSL cipher list, as written in
// nginx's ssl_ciphers, Apache's SSLCipherSuite or OpenSSL's CipherString,
// into the ordered list of cipher suites OpenSSL 3 would build from it,
// restricted to the suites of the CipherSuite table (see CipherSuites).
//
// The language is that of OpenSSL's ciphers(1) manual:
//
//   - Entries are separated by ':' (',', ';' and white space work too).
//   - An entry is a suite name, OpenSSL's ("ECDHE-RSA-AES128-GCM-SHA256")
//     or IANA's ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), or an alias
//     for a group of suites: ALL, COMPLEMENTOFDEFAULT, HIGH, MEDIUM;
//     kRSA, aRSA, RSA, kDHE/kEDH/DH, DHE/EDH, kECDHE/kEECDH/ECDH,
//     ECDHE/EECDH, aECDSA/ECDSA; AES, AES128, AES256, AESGCM, AESCCM,
//     AESCCM8, CAMELLIA, CAMELLIA128, CAMELLIA256, CHACHA20, 3DES, RC4,
//     IDEA, SEED, CBC; SHA1/SHA, SHA256, SHA384; SSLv3, TLSv1, TLSv1.0,
//     TLSv1.2. Names are case-sensitive, as in OpenSSL.
//   - "A+B" selects the suites in both A and B (ECDH+AESGCM).
//   - A plain entry appends the suites it selects that are not yet in the
//     list; "-X" removes them (a later entry may add them again); "!X"
//     removes them for good; "+X" moves those already in the list to its
//     end.
//   - @STRENGTH sorts the list by Bits, strongest first, keeping the order
//     of suites of equal strength. @SECLEVEL=n (n from 0 to 5) is accepted
//     and ignored: OpenSSL's security levels limit key sizes and signature
//     algorithms, not this list; configure those on the Configuration.
//   - DEFAULT, only as the first entry, stands for OpenSSL 3's default
//     list, "ALL:!COMPLEMENTOFDEFAULT:!eNULL".
//
// The order suites are added in, by ALL for instance, is OpenSSL's
// preference order: forward-secret AEAD suites first, ECDHE before DHE,
// AES-GCM before ChaCha20, then by strength.
//
// Where this differs from OpenSSL, it is to refuse rather than guess:
//
//   - An unknown name is an error naming it and its position (OpenSSL
//     skips it silently); so is a string that selects no suite.
//   - Aliases for suites outside the table (aNULL, eNULL, NULL, ADH,
//     AECDH, EXPORT, EXP, LOW, DES, RC2, MD5, PSK and its k/a forms, SRP,
//     aDSS/DSS, ARIA..., GOST..., COMPLEMENTOFALL, KRB5) are valid and
//     select nothing, so "HIGH:!aNULL:!MD5" works unchanged. So do the
//     names of OpenSSL suites outside the table, current or historical
//     ("!EDH-DSS-DES-CBC3-SHA", "PSK-AES128-CBC-SHA").
//   - "ECDH" is ephemeral ECDH, as in OpenSSL 3 (in 1.0.2 it also meant
//     static ECDH). Suites OpenSSL 3 no longer has, static DH and ECDH and
//     the Camellia-GCM suites, are never selected by aliases, only by
//     name; the OpenSSL 1.0.2 aliases kDH, kDHr, aDH, kECDH, kECDHr,
//     kECDHe and aECDH select the static ones.
//   - TLS 1.3 suites, which OpenSSL configures separately (its
//     "ciphersuites" setting), are added only when named, by their IANA
//     name, which is also their OpenSSL name. No alias, not even ALL,
//     selects them, so a TLS 1.2 cipher string carried over from OpenSSL
//     yields only TLS 1.2-and-earlier suites.
//   - In "A+B" where A is a suite name, OpenSSL looks at A only; here the
//     suite must also match B. OpenSSL 3.0 also reads
//     "COMPLEMENTOFDEFAULT+HIGH" as HIGH alone; here it is the
//     intersection, as "HIGH+COMPLEMENTOFDEFAULT" is in both.
//   - Suite B modes (SUITEB128...) are refused.
//
// The result may hold suites that crypto/tls does not implement (Camellia,
// CCM, DHE...); a backend reports those when the context is created. Use
// GoSupported to keep only those Go can do.
func ParseOpenSSLCipherString(s string) ([]CipherSuite, error) {
	items, err := lexCipherString(s)
	if err != nil {
		return nil, err
	}
	list := newCipherList()
	for i, it := range items {
		first := it.names[0]
		if k := slices.IndexFunc(it.names, func(n cipherName) bool { return n.text == "DEFAULT" }); k >= 0 {
			if i != 0 || it.op != 0 || len(it.names) > 1 {
				return nil, syntaxError(s, it.names[k], "DEFAULT can only be the first entry, alone (OpenSSL ignores it elsewhere); write the aliases it stands for, "+opensslDefaultRules)
			}
			defaults, _ := lexCipherString(opensslDefaultRules)
			for _, d := range defaults {
				list.apply(d.op, d.selectors)
			}
			continue
		}
		if it.op == '@' {
			if err := checkCommand(s, first); err != nil {
				return nil, err
			}
			if first.text == "STRENGTH" {
				list.strengthSort()
			}
			continue
		}
		list.apply(it.op, it.selectors)
	}
	out := list.result()
	if len(out) == 0 {
		return nil, &CipherStringError{Input: s, Err: ErrNoCipherSuites,
			Detail: "every suite it selects is removed again, or its names select only suites outside the table (see trust.CipherSuites)"}
	}
	return out, nil
}

// checkCommand validates an @command: @STRENGTH or @SECLEVEL=0..5.
func checkCommand(s string, n cipherName) error {
	switch {
	case n.text == "STRENGTH":
		return nil
	case strings.HasPrefix(n.text, "SECLEVEL="):
		if lv := strings.TrimPrefix(n.text, "SECLEVEL="); len(lv) == 1 && lv[0] >= '0' && lv[0] <= '5' {
			return nil
		}
		return syntaxError(s, n, "@SECLEVEL needs one level from 0 to 5, as in @SECLEVEL=2")
	}
	return syntaxError(s, n, fmt.Sprintf("unknown command \"@%s\"; the commands are @STRENGTH and @SECLEVEL=n", n.text))
}

func syntaxError(s string, n cipherName, detail string) error {
	return &CipherStringError{Input: s, Token: n.text, Position: n.pos, Detail: detail, Err: ErrCipherStringSyntax}
}

// cipherItem is one entry of a cipher string: an operator and the
// "+"-joined names, resolved to selectors (except for @commands).
type cipherItem struct {
	op        byte // 0 (add), '-', '!', '+' or '@'
	names     []cipherName
	selectors []cipherSelector
}

// cipherName is a name as written, with its position (see
// CipherStringError.Position).
type cipherName struct {
	text string
	pos  int
}

func isCipherSeparator(c byte) bool {
	return c == ':' || c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func isCipherNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '='
}

// lexCipherString splits s into entries and resolves their names.
func lexCipherString(s string) ([]cipherItem, error) {
	var items []cipherItem
	pos := 0
	for i := 0; i < len(s); {
		if isCipherSeparator(s[i]) {
			i++
			continue
		}
		var it cipherItem
		if strings.IndexByte("!-+@", s[i]) >= 0 {
			it.op = s[i]
			i++
		}
		for {
			start := i
			for i < len(s) && isCipherNameByte(s[i]) {
				i++
			}
			pos++
			n := cipherName{text: s[start:i], pos: pos}
			if i < len(s) && !isCipherSeparator(s[i]) && (s[i] != '+' || it.op == '@') {
				n.text = s[start : i+1]
				return nil, syntaxError(s, n, fmt.Sprintf("character %q cannot appear in a cipher name", s[i:i+1]))
			}
			if n.text == "" {
				return nil, syntaxError(s, n, "a cipher name is missing (after an operator or \"+\", or before \"+\")")
			}
			it.names = append(it.names, n)
			if it.op != '@' && n.text != "DEFAULT" {
				sel, err := resolveCipherName(s, n)
				if err != nil {
					return nil, err
				}
				it.selectors = append(it.selectors, sel)
			}
			if i < len(s) && s[i] == '+' {
				i++
				continue
			}
			break
		}
		if it.op == '@' && len(it.names) > 1 {
			return nil, syntaxError(s, it.names[1], "an @command cannot be joined with \"+\"")
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, &CipherStringError{Input: s, Err: ErrNoCipherSuites, Detail: "it is empty"}
	}
	return items, nil
}

// cipherSelector selects either one suite (a suite name) or a group (an
// alias).
type cipherSelector struct {
	suite CipherSuite
	alias *cipherAlias
}

func (sel cipherSelector) matches(in *cipherSuiteInfo) bool {
	if sel.alias == nil {
		return in.id == sel.suite
	}
	return sel.alias.matches(in)
}

// resolveCipherName looks a name up as an OpenSSL name, an IANA name, a
// legacy suite name, then an alias.
func resolveCipherName(s string, n cipherName) (cipherSelector, error) {
	if c, ok := cipherSuiteByOpenSSLName[n.text]; ok {
		return cipherSelector{suite: c}, nil
	}
	if c, ok := cipherSuiteByIANAName[n.text]; ok {
		return cipherSelector{suite: c}, nil
	}
	if c, ok := legacyOpenSSLNames[n.text]; ok {
		return cipherSelector{suite: c}, nil
	}
	if a, ok := cipherAliases[n.text]; ok {
		return cipherSelector{alias: a}, nil
	}
	if opensslNamesOutsideTable[n.text] {
		return cipherSelector{alias: selectNone}, nil
	}
	e := &CipherStringError{Input: s, Token: n.text, Position: n.pos, Err: ErrUnknownCipher}
	switch {
	case strings.HasPrefix(n.text, "SUITEB"):
		e.Detail = "Suite B modes are not supported; name the suites instead (ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES256-GCM-SHA384)"
	default:
		if near := nearCipherName(n.text); near != "" {
			e.Detail = fmt.Sprintf("did you mean %q? (names are case-sensitive)", near)
		}
	}
	return cipherSelector{}, e
}

// nearCipherName returns a known name equal to name but for case, or "";
// the smallest such name when there are several (aDH and ADH).
func nearCipherName(name string) string {
	var found []string
	for _, m := range []map[string]CipherSuite{cipherSuiteByOpenSSLName, cipherSuiteByIANAName, legacyOpenSSLNames} {
		for k := range m {
			if strings.EqualFold(k, name) {
				found = append(found, k)
			}
		}
	}
	for k := range cipherAliases {
		if strings.EqualFold(k, name) {
			found = append(found, k)
		}
	}
	if len(found) == 0 {
		return ""
	}
	return slices.Min(found)
}
