package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type rootsOpts struct {
	roots, source, subject, purpose, within string
	distrusted, expired                     bool
}

func (o *rootsOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.roots, "roots", "system", "trust store `SPEC`: system, a file, a directory, pkcs11:..., system+FILE")
	fs.StringVar(&o.source, "source", "", "only anchors whose source contains `TEXT`")
	fs.StringVar(&o.subject, "subject", "", "only anchors whose subject contains `TEXT` (case-insensitive)")
	fs.StringVar(&o.purpose, "purpose", "", "only anchors trusted for `USAGE`: serverAuth, clientAuth, email, codeSigning")
	fs.BoolVar(&o.distrusted, "distrusted", false, "only distrusted entries")
	fs.BoolVar(&o.expired, "expired", false, "only expired anchors")
	fs.StringVar(&o.within, "expiring-within", "", "only anchors expiring within `DURATION` (e.g. 720h)")
}

func init() {
	register(&command{
		name:     "roots",
		synopsis: "list trust anchors with their source, purposes, distrust and expiry",
		usage:    "[--roots SPEC] [--source TEXT] [--subject TEXT] [--purpose USAGE] [--distrusted] [--expired] [--expiring-within DURATION] [--json]",
		examples: "  nativetls roots\n  nativetls roots --distrusted\n  nativetls roots --expiring-within 2160h --json\n  nativetls roots --roots /etc/ssl/certs --subject digicert\n",
		define:   new(rootsOpts).define,
		run:      runRoots,
	})
}

type anchorJSON struct {
	certJSON
	Source        string     `json:"source"`
	Purposes      []string   `json:"purposes"`
	Distrusted    bool       `json:"distrusted"`
	DistrustAfter *time.Time `json:"distrust_after,omitempty"`
	Expired       bool       `json:"expired"`
}

func runRoots(e *env, args []string) error {
	var o rootsOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	f, err := o.filter()
	if err != nil {
		return err
	}
	store, err := native.TrustStore(o.roots)
	if store == nil {
		return inputErr(err)
	}
	al, ok := store.(trust.AnchorLister)
	if !ok {
		return &failError{fmt.Sprintf("%s cannot list its anchors (it asks the operating system chain by chain)", store)}
	}
	anchors, err := al.Anchors(context.Background())
	if err != nil {
		return &failError{err.Error()}
	}
	out := []anchorJSON{}
	for _, a := range anchors {
		if f.keep(a) {
			out = append(out, anchorOut(a, f.at))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Subject < out[j].Subject })
	if e.json {
		return e.printJSON(out)
	}
	printRoots(e, out)
	e.outf("%s listed (of %d in %s%s)\n", count(len(out), "anchor", ""), len(anchors), store, generationNote(store))
	printSourceChanges(e, store)
	return nil
}

// generationNote names the store's generation, when it has one: it
// changes whenever the store reloads its sources.
func generationNote(store trust.TrustStore) string {
	if g, ok := store.(trust.Generational); ok {
		return fmt.Sprintf("; generation %d", g.Generation())
	}
	return ""
}

// printSourceChanges prints when each source last changed, as far as the
// store knows.
func printSourceChanges(e *env, store trust.TrustStore) {
	sr, ok := store.(trust.SourceReporter)
	if !ok {
		return
	}
	for _, s := range sr.Sources() {
		if !s.Modified.IsZero() {
			m := s.Modified
			e.outf("  source %s %s%s\n", s.Name, s.Path, changedNote(&m))
		}
	}
}

// anchorFilter is what the flags select.
type anchorFilter struct {
	o       *rootsOpts
	at      time.Time
	within  time.Duration
	purpose trust.Usage // -1: any
}

// filter parses the clock, --expiring-within and --purpose.
func (o *rootsOpts) filter() (anchorFilter, error) {
	f := anchorFilter{o: o, purpose: -1}
	var err error
	if f.at, err = now(); err != nil {
		return f, err
	}
	if o.within != "" {
		if f.within, err = time.ParseDuration(o.within); err != nil {
			return f, usagef("--expiring-within %q: %v", o.within, err)
		}
	}
	if o.purpose != "" {
		if f.purpose, err = parsePurpose(o.purpose); err != nil {
			return f, err
		}
	}
	return f, nil
}

// keep reports whether the anchor passes every filter given.
func (f anchorFilter) keep(a trust.Anchor) bool {
	c, o := a.Certificate, f.o
	expired := f.at.After(c.NotAfter)
	switch {
	case o.source != "" && !strings.Contains(a.Source, o.source),
		o.subject != "" && !strings.Contains(strings.ToLower(c.Subject.String()), strings.ToLower(o.subject)),
		o.distrusted && !a.Distrusted,
		o.expired && !expired,
		f.within > 0 && (expired || c.NotAfter.After(f.at.Add(f.within))),
		f.purpose >= 0 && (a.Distrusted || !a.TrustedFor(f.purpose)):
		return false
	}
	return true
}

// anchorOut is the report of one anchor.
func anchorOut(a trust.Anchor, at time.Time) anchorJSON {
	j := anchorJSON{certJSON: describe(a.Certificate), Source: a.Source, Distrusted: a.Distrusted,
		Expired: at.After(a.Certificate.NotAfter), Purposes: []string{}}
	for _, p := range a.Purposes {
		j.Purposes = append(j.Purposes, p.String())
	}
	if !a.DistrustAfter.IsZero() {
		t := a.DistrustAfter.UTC()
		j.DistrustAfter = &t
	}
	return j
}

// printRoots prints each anchor on two lines.
func printRoots(e *env, out []anchorJSON) {
	for _, a := range out {
		purposes := "any purpose"
		if len(a.Purposes) > 0 {
			purposes = strings.Join(a.Purposes, ",")
		}
		flags := ""
		if a.Distrusted {
			flags += " DISTRUSTED"
		}
		if a.DistrustAfter != nil {
			flags += " distrust-after=" + a.DistrustAfter.Format("2006-01-02")
		}
		if a.Expired {
			flags += " EXPIRED"
		}
		e.outf("%s\n    source %s; %s; expires %s%s\n", a.Subject, a.Source, purposes, a.NotAfter.Format("2006-01-02"), flags)
	}
}

func parsePurpose(s string) (trust.Usage, error) {
	for _, u := range []trust.Usage{trust.UsageServerAuth, trust.UsageClientAuth, trust.UsageEmail, trust.UsageCodeSigning} {
		if strings.EqualFold(u.String(), s) {
			return u, nil
		}
	}
	return 0, usagef("--purpose %q: use serverAuth, clientAuth, email or codeSigning", s)
}
