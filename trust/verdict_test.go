package trust

import (
	"errors"
	"strings"
	"testing"
)

// wantVerdict fails the test unless err is the verdict a table case
// expects: nil when want is negative (accepted), else a *VerificationError with
// Reason want whose text contains detail.
func wantVerdict(t *testing.T, err error, want Reason, detail string) {
	t.Helper()
	if want < 0 {
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return
	}
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Reason != want || !strings.Contains(err.Error(), detail) {
		t.Fatalf("want %v with %q, got %v", want, detail, err)
	}
}
