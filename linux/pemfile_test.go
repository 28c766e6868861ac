package linux

import (
	"testing"
)

// FuzzParsePEMAnchors feeds arbitrary file contents to the bundle parser.
func FuzzParsePEMAnchors(f *testing.F) {
	c := newCert(f, "Fuzz Root", true, nil)
	f.Add(c.PEM())
	f.Add(append(c.PEM(), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")...))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, err := parsePEMAnchors("fuzz.pem", data, certCache{})
		for _, a := range as {
			if a.Certificate == nil {
				t.Fatal("anchor without certificate")
			}
		}
		_ = err
	})
}
