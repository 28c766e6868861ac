//go:build unix

package pkcs11

import (
	"errors"
	"testing"

	"github.com/nativetls/nativetls/internal/safefile"
)

// TestPINSourceRefusesEndlessFiles: pin-source=/dev/zero is refused at
// once, not read forever.
func TestPINSourceRefusesEndlessFiles(t *testing.T) {
	for _, src := range []string{"/dev/zero", "file:///dev/zero"} {
		_, err := readPINSource(src)
		if !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("pin-source %s: err = %v, want safefile.ErrNotRegular", src, err)
		}
	}
}
