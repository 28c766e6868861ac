package softhsmtest

import (
	"encoding/pem"
	"testing"
)

// ImportKeyAllowing stores a PEM (PKCS#8) private key on token under label
// and id (hex), usable only with mechanisms (CKA_ALLOWED_MECHANISMS), a
// pkcs11-tool list such as "RSA-PKCS,SHA256-RSA-PKCS": a token key that
// cannot sign with RSA-PSS, for example.
func (h *HSM) ImportKeyAllowing(t testing.TB, token, label, id string, keyPEM []byte, mechanisms string) {
	t.Helper()
	b, _ := pem.Decode(keyPEM)
	if b == nil {
		t.Fatalf("softhsmtest: the key %s (id %s) is not PEM", label, id)
	}
	h.Tool(t, token, "--write-object", h.file(t, label+"-"+id+".key.der", b.Bytes),
		"--type", "privkey", "--id", id, "--label", label, "--allowed-mechanisms", mechanisms)
}
