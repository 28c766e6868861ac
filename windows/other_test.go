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
	if _, err := OpenKey("capi:cn=x"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("OpenKey: %v", err)
	}
	var ue *URIError
	if _, err := OpenKey("capi:"); !errors.As(err, &ue) {
		t.Errorf("OpenKey with a bad URI: %v", err)
	}
	if err := Install(nil, CurrentUser); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Install: %v", err)
	}
}
