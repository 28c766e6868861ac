package trust

import (
	"slices"
	"sync"
)

// cipherAlias is an OpenSSL cipher-string alias: a predicate over the
// table's columns. Empty fields do not constrain.
type cipherAlias struct {
	kx, auth, enc, mac []string
	keyBits            int    // enc key size
	version            string // OpenSSL version label, matched exactly
	medium, high       bool   // strength class
	notDefault         bool   // COMPLEMENTOFDEFAULT
	static             bool   // OpenSSL 1.0.2 static-DH alias: lets its entry select nameonly suites
	none               bool   // selects nothing in the table
}

func (a *cipherAlias) matches(in *cipherSuiteInfo) bool {
	switch {
	case a.none:
		return false
	case a.kx != nil && !slices.Contains(a.kx, in.kx),
		a.auth != nil && !slices.Contains(a.auth, in.auth),
		a.enc != nil && !slices.Contains(a.enc, in.enc),
		a.mac != nil && !slices.Contains(a.mac, in.mac),
		a.keyBits != 0 && a.keyBits != in.keyBits,
		a.version != "" && a.version != in.version,
		a.medium && !in.medium, a.high && in.medium,
		a.notDefault && !in.notDefault:
		return false
	}
	return true
}

var (
	aesFamilies = []string{"AES", "AESGCM", "AESCCM", "AESCCM8"}
	selectNone  = &cipherAlias{none: true}
)

// cipherAliases are the aliases of OpenSSL 3's ciphers(1), plus OpenSSL
// 1.0.2's for static DH/ECDH and removed families (so old configurations
// still parse). The table has no anonymous, NULL, PSK, SRP, DSS, ARIA or
// GOST suites, so their aliases select nothing.
var cipherAliases = map[string]*cipherAlias{
	"ALL":                 {},
	"COMPLEMENTOFDEFAULT": {notDefault: true},
	"HIGH":                {high: true},
	"MEDIUM":              {medium: true},

	"kRSA": {kx: []string{"RSA"}}, "aRSA": {auth: []string{"RSA"}},
	"RSA":  {kx: []string{"RSA"}, auth: []string{"RSA"}},
	"kDHE": {kx: []string{"DHE"}}, "kEDH": {kx: []string{"DHE"}}, "DH": {kx: []string{"DHE"}},
	"DHE": {kx: []string{"DHE"}}, "EDH": {kx: []string{"DHE"}},
	"kECDHE": {kx: []string{"ECDHE"}}, "kEECDH": {kx: []string{"ECDHE"}}, "ECDH": {kx: []string{"ECDHE"}},
	"ECDHE": {kx: []string{"ECDHE"}}, "EECDH": {kx: []string{"ECDHE"}},
	"aECDSA": {auth: []string{"ECDSA"}}, "ECDSA": {auth: []string{"ECDSA"}},

	"kDH":    {kx: []string{"DH"}, static: true},
	"kDHr":   {kx: []string{"DH"}, auth: []string{"RSA"}, static: true},
	"aDH":    {kx: []string{"DH"}, static: true},
	"kECDH":  {kx: []string{"ECDH"}, static: true},
	"kECDHr": {kx: []string{"ECDH"}, auth: []string{"RSA"}, static: true},
	"kECDHe": {kx: []string{"ECDH"}, auth: []string{"ECDSA"}, static: true},
	"aECDH":  {kx: []string{"ECDH"}, static: true},

	"AES":         {enc: aesFamilies},
	"AES128":      {enc: aesFamilies, keyBits: 128},
	"AES256":      {enc: aesFamilies, keyBits: 256},
	"AESGCM":      {enc: []string{"AESGCM"}},
	"AESCCM":      {enc: []string{"AESCCM", "AESCCM8"}},
	"AESCCM8":     {enc: []string{"AESCCM8"}},
	"CAMELLIA":    {enc: []string{"Camellia"}},
	"CAMELLIA128": {enc: []string{"Camellia"}, keyBits: 128},
	"CAMELLIA256": {enc: []string{"Camellia"}, keyBits: 256},
	"CHACHA20":    {enc: []string{"CHACHA20/POLY1305"}},
	"3DES":        {enc: []string{"3DES"}},
	"RC4":         {enc: []string{"RC4"}},
	"IDEA":        {enc: []string{"IDEA"}},
	"SEED":        {enc: []string{"SEED"}},
	"CBC":         {enc: []string{"AES", "Camellia", "3DES", "IDEA", "SEED"}},

	"SHA1": {mac: []string{"SHA1"}}, "SHA": {mac: []string{"SHA1"}},
	"SHA256": {mac: []string{"SHA256"}}, "SHA384": {mac: []string{"SHA384"}},

	"SSLv3": {version: "SSLv3"}, "TLSv1": {version: "TLSv1"}, "TLSv1.0": {version: "TLSv1"},
	"TLSv1.2": {version: "TLSv1.2"},

	"COMPLEMENTOFALL": selectNone, "LOW": selectNone, "EXPORT": selectNone, "EXP": selectNone,
	"EXPORT40": selectNone, "EXPORT56": selectNone, "DES": selectNone, "RC2": selectNone,
	"eNULL": selectNone, "NULL": selectNone, "aNULL": selectNone, "ADH": selectNone, "AECDH": selectNone,
	"MD5": selectNone, "PSK": selectNone, "kPSK": selectNone, "aPSK": selectNone, "kRSAPSK": selectNone,
	"kECDHEPSK": selectNone, "kDHEPSK": selectNone, "SRP": selectNone, "kSRP": selectNone, "aSRP": selectNone,
	"aDSS": selectNone, "DSS": selectNone, "kDHd": selectNone,
	"ARIA": selectNone, "ARIA128": selectNone, "ARIA256": selectNone, "ARIAGCM": selectNone,
	"GOST89": selectNone, "GOST94": selectNone, "GOST12": selectNone, "GOST89MAC": selectNone,
	"GOST89MAC12": selectNone, "kGOST": selectNone, "kGOST18": selectNone, "aGOST": selectNone,
	"aGOST01": selectNone, "aGOST12": selectNone,
	"KRB5": selectNone, "kKRB5": selectNone, "aKRB5": selectNone,
}

// legacyOpenSSLNames are earlier OpenSSL names of suites that OpenSSL 3
// still accepts in cipher strings.
var legacyOpenSSLNames = map[string]CipherSuite{
	"EDH-RSA-DES-CBC3-SHA": TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA,
}

// cipherEntry is a suite in OpenSSL's working list, with whether it is
// currently selected.
type cipherEntry struct {
	info   *cipherSuiteInfo
	active bool
}

// cipherList is OpenSSL's working list: every suite of the table in
// preference order, some active (selected). Rules move suites within it,
// which is why a removed suite re-added later keeps its place relative to
// others added by the same rule.
type cipherList struct{ entries []cipherEntry }

func newCipherList() *cipherList {
	return &cipherList{entries: slices.Clone(cipherPreferenceOrder())}
}

// partition moves the entries for which pick holds to the head (or the
// tail), keeping the order within both parts, and sets their active flag
// to setActive (nil: unchanged).
func (l *cipherList) partition(pick func(e *cipherEntry) bool, toHead bool, setActive *bool) {
	var picked, rest []cipherEntry
	for _, e := range l.entries {
		if pick(&e) {
			if setActive != nil {
				e.active = *setActive
			}
			picked = append(picked, e)
		} else {
			rest = append(rest, e)
		}
	}
	if toHead {
		l.entries = append(picked, rest...)
	} else {
		l.entries = append(rest, picked...)
	}
}

func (l *cipherList) add(m func(*cipherSuiteInfo) bool) {
	on := true
	l.partition(func(e *cipherEntry) bool { return !e.active && m(e.info) }, false, &on)
}

func (l *cipherList) moveToEnd(m func(*cipherSuiteInfo) bool) {
	l.partition(func(e *cipherEntry) bool { return e.active && m(e.info) }, false, nil)
}

// remove deselects; the removed suites go to the head of the list, so a
// later rule that adds them back adds them first (OpenSSL's CIPHER_DEL).
func (l *cipherList) remove(m func(*cipherSuiteInfo) bool) {
	off := false
	l.partition(func(e *cipherEntry) bool { return e.active && m(e.info) }, true, &off)
}

func (l *cipherList) bump(m func(*cipherSuiteInfo) bool) {
	l.partition(func(e *cipherEntry) bool { return e.active && m(e.info) }, true, nil)
}

// kill drops the suites from the list for good, selected or not.
func (l *cipherList) kill(m func(*cipherSuiteInfo) bool) {
	l.entries = slices.DeleteFunc(l.entries, func(e cipherEntry) bool { return m(e.info) })
}

// strengthSort moves the selected suites to the end, strongest first,
// stable within equal strength (@STRENGTH).
func (l *cipherList) strengthSort() {
	var strengths []int
	for _, e := range l.entries {
		if e.active && !slices.Contains(strengths, e.info.bits) {
			strengths = append(strengths, e.info.bits)
		}
	}
	slices.Sort(strengths)
	for _, bits := range slices.Backward(strengths) {
		l.moveToEnd(func(in *cipherSuiteInfo) bool { return in.bits == bits })
	}
}

// apply runs one entry: op on the suites all selectors match. Name-only
// suites are selected only by entries with a suite name or a static-DH
// alias among their parts.
func (l *cipherList) apply(op byte, sels []cipherSelector) {
	nameOnlyToo := slices.ContainsFunc(sels, func(s cipherSelector) bool { return s.alias == nil || s.alias.static })
	m := func(in *cipherSuiteInfo) bool {
		if in.nameOnly && !nameOnlyToo {
			return false
		}
		for _, s := range sels {
			if !s.matches(in) {
				return false
			}
		}
		return true
	}
	switch op {
	case 0:
		l.add(m)
	case '-':
		l.remove(m)
	case '!':
		l.kill(m)
	case '+':
		l.moveToEnd(m)
	}
}

func (l *cipherList) result() []CipherSuite {
	var out []CipherSuite
	for _, e := range l.entries {
		if e.active {
			out = append(out, e.info.id)
		}
	}
	return out
}

// cipherPreferenceOrder is the list OpenSSL 3 starts from
// (ssl_create_cipher_list): all suites in descending IANA order, then
// ECDHE (ECDSA first) > AES-GCM > ChaCha20 > other AES > the rest, RSA key
// exchange and RC4 last, sorted by strength, and finally TLS 1.2 suites,
// then AEAD, then (EC)DHE, then (EC)DHE with AEAD bumped to the front. All
// entries end up deselected.
var cipherPreferenceOrder = sync.OnceValue(func() []cipherEntry {
	l := &cipherList{}
	for i := len(cipherSuiteTable) - 1; i >= 0; i-- {
		l.entries = append(l.entries, cipherEntry{info: &cipherSuiteTable[i]})
	}
	is := func(field func(*cipherSuiteInfo) string, values ...string) func(*cipherSuiteInfo) bool {
		return func(in *cipherSuiteInfo) bool { return slices.Contains(values, field(in)) }
	}
	kx := func(in *cipherSuiteInfo) string { return in.kx }
	enc := func(in *cipherSuiteInfo) string { return in.enc }
	mac := func(in *cipherSuiteInfo) string { return in.mac }
	all := func(*cipherSuiteInfo) bool { return true }
	ephemeral := is(kx, "ECDHE", "DHE")
	aead := is(mac, "AEAD")

	l.add(func(in *cipherSuiteInfo) bool { return in.kx == "ECDHE" && in.auth == "ECDSA" })
	l.add(is(kx, "ECDHE"))
	l.remove(is(kx, "ECDHE"))
	l.add(is(enc, "AESGCM"))
	l.add(is(enc, "CHACHA20/POLY1305"))
	l.add(is(enc, "AES", "AESCCM", "AESCCM8"))
	l.add(all)
	l.moveToEnd(is(kx, "RSA"))
	l.moveToEnd(is(enc, "RC4"))
	l.strengthSort()
	l.bump(func(in *cipherSuiteInfo) bool { return in.version == "TLSv1.2" })
	l.bump(aead)
	l.bump(ephemeral)
	l.bump(func(in *cipherSuiteInfo) bool { return ephemeral(in) && aead(in) })
	l.remove(all)
	return l.entries
})
