package trust

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Sentinel errors of ParseOpenSSLCipherString, wrapped in a
// *CipherStringError.
var (
	ErrUnknownCipher      = errors.New("trust: unknown cipher")                         // neither a suite name nor an alias
	ErrCipherStringSyntax = errors.New("trust: bad cipher string")                      // a bad character, a missing name, an unknown @command
	ErrNoCipherSuites     = errors.New("trust: cipher string selects no cipher suites") // well formed, but selects nothing
)

// CipherStringError reports a cipher string that ParseOpenSSLCipherString
// cannot use, and where in it the problem is.
type CipherStringError struct {
	Input string // the whole cipher string as given
	Token string // the offending name or command; "" for the string as a whole
	// Position counts Input's names from 1, each part of a "+"-joined name
	// once (FOO is 3 in "ECDH+AESGCM:FOO"); 0 when Token is "".
	Position int
	Detail   string // what is wrong with Token, or a suggested fix; may be ""
	Err      error  // ErrUnknownCipher, ErrCipherStringSyntax or ErrNoCipherSuites
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

// ParseOpenSSLCipherString turns an OpenSSL cipher list (nginx's ssl_ciphers,
// Apache's SSLCipherSuite, OpenSSL's CipherString) into the ordered suites
// OpenSSL 3 would build from it, restricted to the CipherSuite table. The
// language is that of OpenSSL's ciphers(1): suite names (OpenSSL's or IANA's)
// and aliases (HIGH, ECDHE, AESGCM …) joined by ':', "A+B", "-X", "!X", "+X",
// @STRENGTH, @SECLEVEL=n (accepted, ignored) and a leading DEFAULT.
//
// Where it differs from OpenSSL, it refuses rather than guesses:
//   - an unknown name, or a string that selects no suite, is a
//     *CipherStringError (OpenSSL skips it silently); aliases and names of
//     suites outside the table (aNULL, MD5, PSK-AES128-CBC-SHA …) are valid
//     and select nothing, so "HIGH:!aNULL:!MD5" works unchanged;
//   - TLS 1.3 suites are added only when named, never by an alias (not even
//     ALL);
//   - static DH/ECDH and Camellia-GCM suites are selected only by name or by
//     OpenSSL 1.0.2's aliases (kDH, kECDH …); "ECDH" is ephemeral ECDH;
//   - in "A+B" the suite must match B even when A is a suite name;
//   - Suite B modes (SUITEB128 …) are refused.
//
// The result may hold suites crypto/tls does not implement; GoSupported
// tells them apart.
func ParseOpenSSLCipherString(s string) ([]CipherSuite, error) {
	// The language in full (OpenSSL's ciphers(1)):
	//   - Entries are separated by ':' (',', ';' and white space work too).
	//   - An entry is a suite name or an alias: ALL, COMPLEMENTOFDEFAULT,
	//     HIGH, MEDIUM; kRSA, aRSA, RSA, kDHE/kEDH/DH, DHE/EDH,
	//     kECDHE/kEECDH/ECDH, ECDHE/EECDH, aECDSA/ECDSA; AES, AES128,
	//     AES256, AESGCM, AESCCM, AESCCM8, CAMELLIA, CAMELLIA128,
	//     CAMELLIA256, CHACHA20, 3DES, RC4, IDEA, SEED, CBC; SHA1/SHA,
	//     SHA256, SHA384; SSLv3, TLSv1, TLSv1.0, TLSv1.2. Names are
	//     case-sensitive, as in OpenSSL.
	//   - A plain entry appends the suites it selects that are not yet in
	//     the list; "-X" removes them (a later entry may add them again);
	//     "!X" removes them for good; "+X" moves those already in the list
	//     to its end.
	//   - @STRENGTH sorts by Bits, strongest first, stable. @SECLEVEL=n (n
	//     from 0 to 5) limits key sizes and signature algorithms in
	//     OpenSSL, not this list; those belong on the Configuration.
	//   - DEFAULT, only as the first entry, is opensslDefaultRules.
	// The order suites are added in (by ALL, say) is OpenSSL's preference
	// order: forward-secret AEAD suites first, ECDHE before DHE, AES-GCM
	// before ChaCha20, then by strength. Outside-the-table aliases: aNULL,
	// eNULL, NULL, ADH, AECDH, EXPORT, EXP, LOW, DES, RC2, MD5, PSK and its
	// k/a forms, SRP, aDSS/DSS, ARIA..., GOST..., COMPLEMENTOFALL, KRB5; and
	// the names of OpenSSL suites outside the table, current or historical
	// ("!EDH-DSS-DES-CBC3-SHA"). In 1.0.2 "ECDH" also meant static ECDH;
	// the 1.0.2 aliases kDH, kDHr, aDH, kECDH, kECDHr, kECDHe and aECDH
	// select the static suites. OpenSSL 3.0 reads "COMPLEMENTOFDEFAULT+HIGH"
	// as HIGH alone; here it is the intersection, as "HIGH+COMPLEMENTOFDEFAULT"
	// is in both.
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
