package darwin

import (
	"time"

	"github.com/nativetls/nativetls/darwin/internal/sec"
)

// available loads the frameworks once.
func available() error {
	if err := sec.Load(); err != nil {
		return &StatusError{Op: "dlopen", Code: -4, Description: err.Error()}
	}
	return nil
}

// statusErr turns a non-zero OSStatus into a *StatusError with the
// system's text; zero is nil.
func statusErr(op string, st sec.Status) error {
	if st == 0 {
		return nil
	}
	return &StatusError{Op: op, Code: int64(st), Description: sec.SecCopyErrorMessageString(st)}
}

// cfErrorErr turns a CFError the caller owns into a *StatusError and
// releases it.
func cfErrorErr(op string, e sec.Ref) error {
	if e == 0 {
		return &StatusError{Op: op, Code: -50, Description: "failed without an error object"}
	}
	defer sec.CFRelease(e)
	desc := sec.CFErrorCopyDescription(e)
	defer sec.CFRelease(desc)
	return &StatusError{Op: op, Code: int64(sec.CFErrorGetCode(e)), Domain: sec.CFStringGo(sec.CFErrorGetDomain(e)),
		Description: sec.CFStringGo(desc)}
}

// releaser collects owned references and releases them together.
type releaser []sec.Ref

func (r *releaser) add(ref sec.Ref) sec.Ref {
	if ref != 0 {
		*r = append(*r, ref)
	}
	return ref
}

func (r *releaser) release() {
	for i := len(*r) - 1; i >= 0; i-- {
		sec.CFRelease((*r)[i])
	}
	*r = nil
}

// certArray makes a CFArray of SecCertificateRef from DER; the caller
// releases the array (which releases the certificates it holds).
func certArray(ders [][]byte) (sec.Ref, error) {
	arr := sec.CFArrayCreateMutable()
	for _, der := range ders {
		c, err := certRef(der)
		if err != nil {
			sec.CFRelease(arr)
			return 0, err
		}
		sec.CFArrayAppendValue(arr, c)
		sec.CFRelease(c)
	}
	return arr, nil
}

// certRef makes a SecCertificateRef (Create rule) from DER.
func certRef(der []byte) (sec.Ref, error) {
	data := sec.CFDataCreate(der)
	defer sec.CFRelease(data)
	c := sec.SecCertificateCreateWithData(data)
	if c == 0 {
		return 0, &StatusError{Op: "SecCertificateCreateWithData", Code: -26275, Description: "not a DER X.509 certificate"}
	}
	return c, nil
}

// certDER returns the DER of a SecCertificateRef.
func certDER(c sec.Ref) []byte {
	d := sec.SecCertificateCopyData(c)
	defer sec.CFRelease(d)
	return sec.CFDataBytes(d)
}

// arrayCertDERs returns the DER of every certificate in a CFArray.
func arrayCertDERs(arr sec.Ref) [][]byte {
	var out [][]byte
	for i := 0; i < sec.CFArrayGetCount(arr); i++ {
		out = append(out, certDER(sec.CFArrayGetValueAtIndex(arr, i)))
	}
	return out
}

// cfDate makes a CFDate (Create rule).
func cfDate(t time.Time) sec.Ref {
	epoch := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	return sec.CFDateCreate(t.Sub(epoch).Seconds())
}

// toGo converts a property-list value to Go: CFString → string, CFNumber →
// int64, CFBoolean → bool, CFData → []byte, CFArray → []any, CFDictionary
// with string keys → map[string]any, SecPolicyRef → tsPolicy with the OID of
// SecPolicyCopyProperties (its kSecPolicyName is the host or e-mail the
// policy checks, not the policy's name: a usage constraint names its policy
// in kSecTrustSettingsPolicyName), anything else → opaqueValue.
func toGo(r sec.Ref) any {
	if r == 0 {
		return nil
	}
	switch t := sec.CFGetTypeID(r); t {
	case sec.CFStringGetTypeID():
		return sec.CFStringGo(r)
	case sec.CFNumberGetTypeID():
		v, _ := sec.CFNumberInt64(r)
		return v
	case sec.CFBooleanGetTypeID():
		return sec.CFBooleanGetValue(r)
	case sec.CFDataGetTypeID():
		return sec.CFDataBytes(r)
	case sec.CFArrayGetTypeID():
		n := sec.CFArrayGetCount(r)
		out := make([]any, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, toGo(sec.CFArrayGetValueAtIndex(r, i)))
		}
		return out
	case sec.CFDictionaryGetTypeID():
		keys, vals := sec.CFDictionaryKeysAndValues(r)
		out := make(map[string]any, len(keys))
		for i, k := range keys {
			if ks, ok := toGo(k).(string); ok {
				out[ks] = toGo(vals[i])
			}
		}
		return out
	case sec.SecPolicyGetTypeID():
		props := sec.SecPolicyCopyProperties(r)
		defer sec.CFRelease(props)
		return tsPolicy{OID: stringValue(props, sec.KSecPolicyOid)}
	default:
		return opaqueValue{TypeID: uint64(t)}
	}
}

// stringValue returns d[k] as a string, "" when absent or not a string.
func stringValue(d, k sec.Ref) string {
	if d == 0 || k == 0 {
		return ""
	}
	s, _ := toGo(sec.CFDictionaryGetValue(d, k)).(string)
	return s
}

// dataValue returns d[k] as bytes (a CFData, or a CFString's UTF-8).
func dataValue(d, k sec.Ref) []byte {
	if d == 0 || k == 0 {
		return nil
	}
	switch v := toGo(sec.CFDictionaryGetValue(d, k)).(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}
