package sec

import (
	"bytes"
	"testing"
)

func TestLoadAndRoundTrips(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	s := CFStringCreate("nativetls — ✓")
	defer CFRelease(s)
	if got := CFStringGo(s); got != "nativetls — ✓" {
		t.Errorf("CFString round trip: %q", got)
	}
	if CFGetTypeID(s) != CFStringGetTypeID() {
		t.Error("CFString type ID")
	}
	d := CFDataCreate([]byte{0, 1, 2, 255})
	defer CFRelease(d)
	if got := CFDataBytes(d); !bytes.Equal(got, []byte{0, 1, 2, 255}) {
		t.Errorf("CFData round trip: %v", got)
	}
	empty := CFDataCreate(nil)
	defer CFRelease(empty)
	if got := CFDataBytes(empty); len(got) != 0 {
		t.Errorf("empty CFData: %v", got)
	}
	n := CFNumberCreateInt64(-67818)
	defer CFRelease(n)
	if v, ok := CFNumberInt64(n); !ok || v != -67818 {
		t.Errorf("CFNumber: %d %v", v, ok)
	}
	dict := CFDictionaryCreateMutable()
	defer CFRelease(dict)
	CFDictionarySetValue(dict, s, n)
	if CFDictionaryGetValue(dict, s) != n {
		t.Error("dictionary lookup")
	}
	keys, vals := CFDictionaryKeysAndValues(dict)
	if len(keys) != 1 || keys[0] != s || vals[0] != n {
		t.Error("dictionary keys and values")
	}
	arr := CFArrayCreateMutable()
	defer CFRelease(arr)
	CFArrayAppendValue(arr, d)
	if CFArrayGetCount(arr) != 1 || CFArrayGetValueAtIndex(arr, 0) != d {
		t.Error("array")
	}
	if !CFBooleanGetValue(KCFBooleanTrue) || CFBooleanGetValue(KCFBooleanFalse) {
		t.Error("booleans")
	}
	if msg := SecCopyErrorMessageString(-25300); msg == "" {
		t.Error("no text for errSecItemNotFound")
	}
	for _, r := range []Ref{KSecClass, KSecClassIdentity, KSecAttrLabel, KSecPolicyOid, KSecMatchSearchList} {
		if r == 0 || CFGetTypeID(r) != CFStringGetTypeID() {
			t.Error("a kSec constant is not a CFString")
		}
	}
	p := SecPolicyCreateBasicX509()
	defer CFRelease(p)
	props := SecPolicyCopyProperties(p)
	defer CFRelease(props)
	if oid := CFStringGo(CFDictionaryGetValue(props, KSecPolicyOid)); oid == "" {
		t.Error("basic policy has no kSecPolicyOid")
	} else {
		t.Logf("basic X.509 policy OID %q name %q", oid, CFStringGo(CFDictionaryGetValue(props, KSecPolicyName)))
	}
}
