package darwin

import (
	"errors"
	"fmt"

	"github.com/nativetls/nativetls/trust"
)

// describeOutcome renders what a store returned for a conformance row: the
// reason and depth, the platform's code and name, the detail and the whole
// error chain (for darwin: the CFError description).
func describeOutcome(err error) string {
	if err == nil {
		return "success"
	}
	var ve *trust.VerificationError
	if !errors.As(err, &ve) {
		return fmt.Sprintf("a non-verification error: %v", err)
	}
	return fmt.Sprintf("reason %v at depth %d, platform code %d (%s), detail %q, backend %q, OS error %v: %v",
		ve.Reason, ve.Depth, ve.PlatformCode, ve.PlatformCodeName, ve.Detail, ve.Backend, ve.Err, err)
}
