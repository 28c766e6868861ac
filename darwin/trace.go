package darwin

import (
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
)

// tracer receives every SecTrust evaluation this package makes; nil (the
// default) traces nothing. Only tests set it, so that the first runs on a
// Mac print what Apple returned.
var tracer atomic.Pointer[func(string)]

// setTracer installs f (nil removes it) and returns the previous one.
func setTracer(f func(string)) func(string) {
	var old *func(string)
	if f == nil {
		old = tracer.Swap(nil)
	} else {
		old = tracer.Swap(&f)
	}
	if old == nil {
		return nil
	}
	return *old
}

func tracing() bool { return tracer.Load() != nil }

// trace reports one evaluation to the tracer, if any.
func trace(p *verifyPlan, r evalResult) {
	if f := tracer.Load(); f != nil {
		(*f)(describeEvaluation(p, r))
	}
}

// describeEvaluation renders an evaluation for a log: the plan, the
// verdict, the OSStatus with its name, the CFError description, the
// per-certificate failed checks and status codes, and the whole
// SecTrustCopyResult dictionary.
func describeEvaluation(p *verifyPlan, r evalResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "SecTrust evaluation: policy=%s host=%q certs=%d anchors=%d revocation=%#x network=%v date=%s\n",
		p.Policy, p.Hostname, len(p.Certs), len(p.Anchors), p.Revocation, p.NetworkFetch, p.Date.Format("2006-01-02T15:04:05Z07:00"))
	fmt.Fprintf(&b, "  trusted=%v chain=%d", r.Trusted, len(r.Chain))
	f := r.Failure
	if !r.Trusted {
		fmt.Fprintf(&b, " OSStatus=%d (%s) domain=%q\n  CFError: %s", f.Code, statusName(f.Code), f.Domain, f.Description)
	}
	b.WriteString("\n")
	for i, d := range f.Details {
		var keys []string
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var codes []int64
		if i < len(f.StatusCodes) {
			codes = f.StatusCodes[i]
		}
		fmt.Fprintf(&b, "  cert %d failed %v status codes %v\n", i, keys, codes)
	}
	fmt.Fprintf(&b, "  SecTrustCopyResult: %s", formatPlist(f.Raw))
	return b.String()
}

// formatPlist renders a converted property list deterministically.
func formatPlist(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+"="+formatPlist(x[k]))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, formatPlist(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case []byte:
		return fmt.Sprintf("<%d bytes>", len(x))
	case nil:
		return "<none>"
	}
	return fmt.Sprintf("%v", v)
}
