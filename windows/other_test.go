//go:build !windows

package windows

import (
	"errors"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestUnsupportedElsewhere(t *testing.T) {
	if _, err := System(); !errors.Is(err, ErrUnsupported) || !errors.Is(err, trust.ErrUnsupported) {
		t.Errorf("System: %v", err)
	}
	if _, err := WithRoots(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("WithRoots: %v", err)
	}
	if _, err := OpenKey("capi:cn=x", nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("OpenKey: %v", err)
	}
	var ue *URIError
	if _, err := OpenKey("capi:", nil); !errors.As(err, &ue) {
		t.Errorf("OpenKey with a bad URI: %v", err)
	}
	p := newPKI(t, "other", testHost)
	if _, err := Install(p.root, trust.InstallOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Install: %v", err)
	}
	if acts, err := Install(p.root, trust.InstallOptions{DryRun: true}); err != nil || len(acts) != 1 {
		t.Errorf("a dry run needs no Windows: %v, %v", acts, err)
	}
}
