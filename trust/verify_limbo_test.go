package trust

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Outcome classification and the docs/CONFORMANCE.md report of the
// x509-limbo harness (see limbo_test.go).

type limboOutcome string

const (
	outPass        limboOutcome = "pass"
	outFalseAccept limboOutcome = "false accept"
	outFalseReject limboOutcome = "false reject"
	outPedantic    limboOutcome = "deviation: pedantic"
	outConflict    limboOutcome = "deviation: conflicting cases"
	outStrictRule  limboOutcome = "deviation: strict profile rule"
	outIssuance    limboOutcome = "deviation: issuance rule (strict profile only)"
	outSkip        limboOutcome = "skipped"
)

// outcome classifies a run and says why when it is not a plain pass.
func (r limboRun) outcome() (limboOutcome, string) {
	tc := r.tc
	switch {
	case r.got == "SKIP":
		return outSkip, r.skip
	case r.got == tc.Expected:
		return outPass, ""
	case len(tc.ConflictsWith) > 0:
		return outConflict, fmt.Sprintf("the suite expects the opposite result for the same chain in %s; "+
			"no single profile can pass both; the default (relying-party) profile takes the side crypto/x509 and Chrome take, the strict profile the stricter of the two",
			strings.Join(tc.ConflictsWith, ", "))
	case r.got == "SUCCESS" && !r.strict && tc.has("pedantic-"):
		return outPedantic, "the case has a pedantic-* feature: the default profile accepts such certificates, which are still deployed; the strict profile rejects them"
	case r.got == "SUCCESS" && !r.strict && r.x509 == "SUCCESS":
		var ce *ChainCheckError
		if errors.As(r.strictErr, &ce) && ce.Strict {
			return outIssuance, "the suite applies a rule for what a CA may issue; the default (relying-party) profile accepts the chain as crypto/x509 and Chrome do, the strict profile rejects it with " + ce.Check + " (" + ce.Msg + ")"
		}
		return outFalseAccept, "accepted a chain the suite rejects"
	case r.got == "SUCCESS":
		return outFalseAccept, "accepted a chain the suite rejects"
	}
	var ce *ChainCheckError
	if errors.As(r.err, &ce) && ce.Strict {
		return outStrictRule, "rejected by the strict profile's " + ce.Check + " rule (" + ce.Msg + "); the suite accepts it here and rejects the same shape elsewhere or only under a stricter reading"
	}
	return outFalseReject, rejectReason(r.err)
}

// rejectReason explains a false reject from the verifier's error (never
// from the testcase id).
func rejectReason(err error) string {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	switch {
	case strings.Contains(msg, "too many intermediates for path length constraint"):
		return "crypto/x509 counts self-issued intermediates against pathLenConstraint, which RFC 5280 6.1.4 (l) exempts; " +
			"accepting it needs a path builder of our own, and rejecting is the safe side"
	case strings.Contains(msg, "critical extension this verifier does not handle"):
		return "crypto/x509 does not implement name constraints of this form (directoryName / otherName) and so treats the critical extension as unhandled; rejecting is the safe side"
	case strings.Contains(msg, "leaf-not-ca"):
		return "the Web PKI forbids a CA certificate in leaf position (CA/B BR 7.1.2.7.8) and the suite rejects that shape under its Web PKI cases; " +
			"RFC 5280 allows it, and this case follows RFC 5280 without being marked as conflicting; the project follows the Web PKI"
	case strings.Contains(msg, "not permitted by any constraint"):
		return "crypto/x509 applies name constraints to self-issued intermediates too, which RFC 5280 6.1.3 (b) exempts; rejecting is the safe side"
	}
	return "not explained: " + msg
}

type limboTally struct {
	counts map[limboOutcome]int
	runs   []limboRun
}

func tallyLimbo(cases []limboCase, strict bool) limboTally {
	t := limboTally{counts: map[limboOutcome]int{}}
	for i := range cases {
		r := runLimboCase(&cases[i], strict)
		o, _ := r.outcome()
		t.counts[o]++
		t.runs = append(t.runs, r)
	}
	return t
}

func (t limboTally) failed() int { return t.counts[outFalseAccept] + t.counts[outFalseReject] }

func (t limboTally) deviations() int {
	return t.counts[outPedantic] + t.counts[outConflict] + t.counts[outStrictRule] + t.counts[outIssuance]
}

func (t limboTally) summary(profile string) string {
	acc, rej := t.literal()
	return fmt.Sprintf("limbo: %d passed, %d failed, %d skipped (%s profile; false accepts %d, false rejects %d; deviations %d: pedantic %d, conflicting cases %d, strict rules %d, issuance rules %d; literally: %d FAILURE cases accepted of which %d pedantic, %d SUCCESS cases rejected)",
		t.counts[outPass], t.failed(), t.counts[outSkip], profile, t.counts[outFalseAccept], t.counts[outFalseReject],
		t.deviations(), t.counts[outPedantic], t.counts[outConflict], t.counts[outStrictRule], t.counts[outIssuance], acc, t.counts[outPedantic], rej)
}

// literal counts accepts of expected-FAILURE cases and rejects of
// expected-SUCCESS cases without any deviation excuse.
func (t limboTally) literal() (accepts, rejects int) {
	for _, r := range t.runs {
		switch {
		case r.got == "SUCCESS" && r.tc.Expected == "FAILURE":
			accepts++
		case r.got == "FAILURE" && r.tc.Expected == "SUCCESS":
			rejects++
		}
	}
	return
}

type baselineTally struct{ falseAccepts, falseRejects, passed int }

func x509Baseline(cases []limboCase) baselineTally {
	var b baselineTally
	for i := range cases {
		got := runX509Baseline(&cases[i])
		switch {
		case got == "SKIP":
		case got == cases[i].Expected:
			b.passed++
		case got == "SUCCESS":
			b.falseAccepts++
		default:
			b.falseRejects++
		}
	}
	return b
}

// eachRun calls f with every run of both profiles and its outcome.
func eachRun(def, strict limboTally, f func(profile string, r limboRun, o limboOutcome, why string)) {
	for _, tl := range []struct {
		name string
		t    limboTally
	}{{"default", def}, {"strict", strict}} {
		for _, r := range tl.t.runs {
			o, why := r.outcome()
			f(tl.name, r, o, why)
		}
	}
}

func TestLimbo(t *testing.T) {
	cases := loadLimbo(t)
	def := tallyLimbo(cases, false)
	strict := tallyLimbo(cases, true)
	base := x509Baseline(cases)
	t.Log(def.summary("default"))
	t.Log(strict.summary("strict"))
	fmt.Println(def.summary("default"))
	fmt.Println(strict.summary("strict"))
	fmt.Printf("limbo: crypto/x509 alone: %d passed, %d false accepts, %d false rejects\n", base.passed, base.falseAccepts, base.falseRejects)
	eachRun(def, strict, func(profile string, r limboRun, o limboOutcome, why string) {
		if o == outFalseAccept || (o == outFalseReject && strings.HasPrefix(why, "not explained")) {
			t.Errorf("%s profile: %s: %s (expected %s): %s", profile, r.tc.ID, o, r.tc.Expected, why)
		}
	})
	if _, rej := def.literal(); rej > base.falseRejects {
		t.Errorf("default profile rejects %d chains the suite accepts, crypto/x509 alone %d", rej, base.falseRejects)
	}
	// The default profile makes no false accept crypto/x509 does not
	// also make.
	for _, r := range def.runs {
		if r.got == "SUCCESS" && r.tc.Expected == "FAILURE" && runX509Baseline(r.tc) != "SUCCESS" {
			t.Errorf("default profile: %s: accepted a chain the suite and crypto/x509 both reject", r.tc.ID)
		}
	}
	if strict.counts[outFalseAccept] != 0 || strict.counts[outPedantic] != 0 || strict.counts[outIssuance] != 0 {
		t.Errorf("strict profile accepts chains the suite rejects")
	}
	if os.Getenv("NATIVETLS_WRITE_CONFORMANCE") == "1" {
		writeConformance(t, def, strict, base)
	}
}

func writeConformance(t *testing.T, def, strict limboTally, base baselineTally) {
	out := filepath.Join(moduleDir(t), "docs", "CONFORMANCE.md")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte(conformanceReport(def, strict, base)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

func moduleDir(t *testing.T) string {
	wd, _ := os.Getwd()
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal(errors.New("go.mod not found above " + wd))
	return ""
}

func conformanceReport(def, strict limboTally, base baselineTally) string {
	var b strings.Builder
	b.WriteString("<!-- Code generated by `NATIVETLS_WRITE_CONFORMANCE=1 go test ./trust -run TestLimbo`. DO NOT EDIT. -->\n\n")
	b.WriteString("# Conformance: x509-limbo\n\n")
	b.WriteString("The verification layer (trust.Verify over an AnchorStore: crypto/x509 path building plus the project's\n" +
		"profile checks, CRLs and max depth) run on every testcase of the C2SP/x509-limbo vectors in\n" +
		"`../shared/testdata/x509-limbo/limbo.json` (not part of this repository). Trusted certs become the anchors,\n" +
		"untrusted intermediates and the peer the presented chain, and the expected peer name, validation time,\n" +
		"extended key usage, max chain depth and CRLs the verification options. No testcase id is special-cased.\n\n" +
		"The default profile is a relying-party profile (see [VERIFICATION.md](VERIFICATION.md)): it rejects no case the suite\n" +
		"accepts beyond crypto/x509's own rejections, and accepts no case crypto/x509 rejects. The FAILURE cases it accepts are\n" +
		"pedantic, one side of a conflicting pair, or rules for what a CA may issue, which the strict profile enforces\n" +
		"(\"issuance rule\" below). The strict profile accepts no FAILURE case.\n\n")
	b.WriteString("| outcome | default profile | strict profile |\n|---|---|---|\n")
	for _, o := range []limboOutcome{outPass, outFalseAccept, outFalseReject, outPedantic, outConflict, outStrictRule, outIssuance, outSkip} {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", o, def.counts[o], strict.counts[o])
	}
	fmt.Fprintf(&b, "\ncrypto/x509 alone on the same inputs: %d passed, %d false accepts, %d false rejects.\n\n", base.passed, base.falseAccepts, base.falseRejects)
	b.WriteString("## Deviations\n\nEvery case whose result differs from the suite's, with the reason.\n\n")
	b.WriteString("| testcase | profile | expected | got | why |\n|---|---|---|---|---|\n")
	var rows []string
	eachRun(def, strict, func(profile string, r limboRun, o limboOutcome, why string) {
		got := r.got
		switch o {
		case outPass:
			return
		case outSkip:
			got = "skipped"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s | %s | %s: %s |", r.tc.ID, profile, r.tc.Expected, got, o, strings.ReplaceAll(why, "|", "/")))
	})
	sort.Strings(rows)
	b.WriteString(strings.Join(rows, "\n") + "\n\n")
	b.WriteString("## Profile checks\n\nThe checks the project adds to crypto/x509, each with its profile, rule and the relying parties\n" +
		"that enforce it, are listed in [VERIFICATION.md](VERIFICATION.md).\n")
	return b.String()
}
