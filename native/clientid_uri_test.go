package native

import "testing"

func TestPKCS11ObjectURI(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"pkcs11:token=ids?module-path=/m.so&pin-value=1", "pkcs11:token=ids;id=%0c;type=private?module-path=/m.so&pin-value=1"},
		{"PKCS11:token=ids;object=x;id=%01;type=cert", "pkcs11:token=ids;id=%0c;type=private"},
		{"pkcs11:", "pkcs11:id=%0c;type=private"},
	} {
		if got := pkcs11ObjectURI(c.spec, []byte{0x0c}, "private"); got != c.want {
			t.Errorf("pkcs11ObjectURI(%q) = %q, want %q", c.spec, got, c.want)
		}
	}
	if got := pkcs11ObjectURI("pkcs11:token=ids", nil, "cert"); got != "pkcs11:token=ids;type=cert" {
		t.Errorf("without id: %q", got)
	}
}
