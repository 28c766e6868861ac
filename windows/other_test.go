//go:build !windows

package windows

import (
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

// errOf drops a call's value and keeps its error.
func errOf[T any](_ T, err error) error { return err }

func TestUnsupportedElsewhere(t *testing.T) {
	p := newPKI(t, "other", testHost)
	for call, err := range map[string]error{
		"System":    errOf(System()),
		"WithRoots": errOf(WithRoots()),
		"OpenKey":   errOf(OpenKey("capi:cn=x", nil)),
		"Install":   errOf(Install(p.root, trust.InstallOptions{})),
	} {
		if !errors.Is(err, ErrUnsupported) || !errors.Is(err, trust.ErrUnsupported) {
			t.Errorf("%s: %v", call, err)
		}
	}
	var ue *URIError
	if _, err := OpenKey("capi:", nil); !errors.As(err, &ue) {
		t.Errorf("OpenKey with a bad URI: %v", err)
	}
	if acts, err := Install(p.root, trust.InstallOptions{DryRun: true}); err != nil || len(acts) != 1 {
		t.Errorf("a dry run needs no Windows: %v, %v", acts, err)
	}
}
