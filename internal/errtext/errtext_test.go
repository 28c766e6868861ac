package errtext

import (
	"errors"
	"fmt"
	"testing"
)

func TestSentinel(t *testing.T) {
	a, b := New("trust", "same text"), New("trust", "same text")
	if a.Error() != "trust: same text" {
		t.Fatal(a.Error())
	}
	if errors.Is(a, b) {
		t.Fatal("two sentinels with the same text are the same error")
	}
	d := With(a, ": why")
	if !errors.Is(d, a) || d.Error() != "trust: same text: why" {
		t.Fatalf("%v", d)
	}
	plain := errors.New("plain")
	if w := With(plain, ": why"); !errors.Is(w, plain) || w.Error() != "plain: why" {
		t.Fatalf("With on a plain error: %v", w)
	}
	for _, tc := range []struct {
		err  error
		pkg  string
		want string
	}{
		{a, "trust", "same text"},
		{d, "trust", "same text: why"},
		{a, "native", "trust: same text"},
		{d, "native", "trust: same text: why"},
		{fmt.Errorf("wrapped: %w", a), "trust", "wrapped: trust: same text"},
	} {
		if got := Bare(tc.pkg, tc.err); got != tc.want {
			t.Errorf("Bare(%q, %v) = %q, want %q", tc.pkg, tc.err, got, tc.want)
		}
	}
}
