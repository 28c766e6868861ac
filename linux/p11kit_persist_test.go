package linux

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/nativetls/nativetls/internal/p11raw"
	"github.com/nativetls/nativetls/internal/testpki"
)

const persistSample = `# comment
[p11-kit-object-v1]
label: "A%20root"
trusted: true
x-distrusted: false
certificate-category: authority
nss-server-distrust-after: "300101000000Z"
java-midp-security-domain: 0
-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgIBATAKBggqhkjOPQQDAjA6MRcwFQYDVQQKEw5uYXRpdmV0
-----END CERTIFICATE-----

[p11-kit-object-v1]
class: x-certificate-extension
object-id: 2.5.29.37
value: "%30%03"
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7aZKxFWRqnWyG3qWWCwM7avM9I/R
-----END PUBLIC KEY-----
`

func TestParsePersist(t *testing.T) {
	c := testpki.Root("Persist Parse", testpki.Options{})
	data := []byte("[p11-kit-object-v1]\nlabel: \"x%22y\"\ntrusted: true\nnss-server-distrust-after: false\n" + string(c.PEM()))
	objs, err := parsePersist(data)
	if err != nil || len(objs) != 1 {
		t.Fatalf("parsePersist = %d objects, %v", len(objs), err)
	}
	o := objs[0]
	if !bytes.Equal(o[p11raw.CKA_VALUE], c.Cert.Raw) || string(o[p11raw.CKA_LABEL]) != `x"y` || !attrBool(o[p11raw.CKA_TRUSTED]) {
		t.Fatalf("object = %v", o)
	}
	if cl, _ := attrULong(o[p11raw.CKA_CLASS]); cl != p11raw.CKO_CERTIFICATE {
		t.Fatalf("class = %d", cl)
	}
	for _, bad := range []string{
		"[p11-kit-object-v2]\n",                   // unknown section
		"[p11-kit-object-v1]\nclass: nss-trust\n", // generated class
		"[p11-kit-object-v1]\nfrobnicate: true\n", // unknown attribute
		"[p11-kit-object-v1]\n-----BEGIN RSA PRIVATE KEY-----\nAA==\n-----END RSA PRIVATE KEY-----\n",
		"[p11-kit-object-v1]\n12345: \"x\"\n", // numeric attribute
	} {
		if _, err := parsePersist([]byte(bad)); !errors.Is(err, errPersistUnsupported) {
			t.Errorf("%q: err = %v, want errPersistUnsupported", bad, err)
		}
	}
	for _, bad := range []string{"label: \"x\"\n", "[p11-kit-object-v1]\nlabel: \"%4\"\n", "[p11-kit-object-v1]\n-----BEGIN CERTIFICATE-----\nAA==\n"} {
		if _, err := parsePersist([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzParsePersist: no input panics, and an accepted input parses the
// same way twice.
func FuzzParsePersist(f *testing.F) {
	f.Add([]byte(persistSample))
	f.Add([]byte("[p11-kit-object-v1]\nobject-id: 1.3.6.1.4.1.3319.6.10.1\n"))
	f.Add([]byte("[p11-kit-object-v1]\n-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := parsePersist(data)
		if err != nil {
			return
		}
		b, err := parsePersist(data)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("second parse differs: %v", err)
		}
	})
}
