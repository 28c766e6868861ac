package darwin

import (
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/trust"
)

func TestDescribeEvaluation(t *testing.T) {
	p := &verifyPlan{Certs: [][]byte{{1}, {2}}, Policy: policySSLServer, Hostname: goodHost, Date: fixedNow}
	r := evalResult{Failure: evalFailure{
		Code: -67843, Domain: "NSOSStatusErrorDomain", Description: "“good.example.test” certificate is not trusted",
		Details:     []map[string]bool{{}, {"AnchorTrusted": true}},
		StatusCodes: [][]int64{nil, {-67843}},
		Raw: map[string]any{"TrustResultDetails": []any{map[string]any{}, map[string]any{"AnchorTrusted": false, "StatusCodes": []any{int64(-67843)}}},
			"TrustResultValue": int64(5)},
	}}
	got := describeEvaluation(p, r)
	for _, want := range []string{"policy=sslServer", `host="good.example.test"`, "trusted=false", "OSStatus=-67843 (errSecNotTrusted)",
		"CFError: “good.example.test” certificate is not trusted", "cert 1 failed [AnchorTrusted] status codes [-67843]",
		"SecTrustCopyResult: {TrustResultDetails=[{} {AnchorTrusted=false StatusCodes=[-67843]}] TrustResultValue=5}"} {
		if !strings.Contains(got, want) {
			t.Errorf("trace lacks %q:\n%s", want, got)
		}
	}
	var seen []string
	old := setTracer(func(s string) { seen = append(seen, s) })
	trace(p, r)
	setTracer(old)
	trace(p, r)
	if len(seen) != 1 || seen[0] != got {
		t.Errorf("tracer saw %d evaluations", len(seen))
	}
}

func TestDescribeOutcome(t *testing.T) {
	ve := &trust.VerificationError{Reason: trust.ReasonUnknownAuthority, Depth: 1, Backend: "darwin", PlatformCode: -67843,
		PlatformCodeName: "errSecNotTrusted", Err: &StatusError{Op: "SecTrustEvaluateWithError", Code: -67843, Description: "not trusted"}}
	got := describeOutcome(ve)
	for _, want := range []string{"reason", "depth 1", "-67843", "errSecNotTrusted", "not trusted"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if describeOutcome(nil) != "success" || !strings.Contains(describeOutcome(errors.New("boom")), "boom") {
		t.Error("nil or plain errors")
	}
}
