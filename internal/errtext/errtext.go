// Package errtext makes the exported sentinel errors of nativetls packages:
// each prints with its package prefix ("trust: the key is encrypted …"),
// as a sentinel should when it is the whole message, and a package's own
// error types that wrap one print it without repeating the prefix
// ("trust: cannot load private key from k.pem: the key is encrypted …").
package errtext

import "fmt"

// Sentinel is an error value a package exports for errors.Is. Compare
// sentinels by identity (errors.Is does), never by text.
type Sentinel struct {
	pkg, text string
}

// New returns a sentinel of package pkg with the message text.
func New(pkg, text string) *Sentinel { return &Sentinel{pkg: pkg, text: text} }

// Error is "pkg: text".
func (s *Sentinel) Error() string { return s.pkg + ": " + s.text }

// With returns an error that is sentinel (for errors.Is) with detail
// appended to its message; detail carries its own separator (": why" or
// " (why)"). A sentinel not made by New is wrapped as fmt.Errorf would.
func With(sentinel error, detail string) error {
	s, ok := sentinel.(*Sentinel)
	if !ok {
		return fmt.Errorf("%w%s", sentinel, detail)
	}
	return &detailed{s: s, detail: detail}
}

type detailed struct {
	s      *Sentinel
	detail string
}

func (d *detailed) Error() string { return d.s.Error() + d.detail }
func (d *detailed) Unwrap() error { return d.s }

// Bare returns err's message for a message that already names package pkg:
// without the prefix when err is a sentinel of pkg (or one With detail),
// err.Error() otherwise.
func Bare(pkg string, err error) string {
	switch e := err.(type) {
	case *Sentinel:
		if e.pkg == pkg {
			return e.text
		}
	case *detailed:
		if e.s.pkg == pkg {
			return e.s.text + e.detail
		}
	}
	return err.Error()
}
