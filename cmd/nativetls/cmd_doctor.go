package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"runtime"
	"slices"
	"time"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type doctorOpts struct{ roots string }

func (o *doctorOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.roots, "roots", "system", "trust store `SPEC` to report on: system, a file, a directory, pkcs11:..., system+FILE")
}

func init() {
	register(&command{
		name:     "doctor",
		synopsis: "show the backend, trust sources, verification policy, and run a loopback TLS self-test",
		usage:    "[--roots SPEC] [--json]",
		examples: "  nativetls doctor\n  go run ./cmd/nativetls doctor --json\n  SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt nativetls doctor\n",
		define:   new(doctorOpts).define,
		run:      runDoctor,
	})
}

type sourceJSON struct {
	Name       string     `json:"name"`
	Path       string     `json:"path,omitempty"`
	Anchors    int        `json:"anchors"`
	Distrusted int        `json:"distrusted"`
	Skipped    string     `json:"skipped,omitempty"`
	Error      string     `json:"error,omitempty"`
	Modified   *time.Time `json:"modified,omitempty"` // the source's last change
}

// location is the source's name and, when it has one, its path.
func (s sourceJSON) location() string {
	if s.Path == "" {
		return s.Name
	}
	return s.Name + " " + s.Path
}

type policyJSON struct {
	Verify   bool     `json:"verify"`
	Setting  string   `json:"setting"`
	Source   string   `json:"source"`
	Ignored  string   `json:"ignored,omitempty"`
	Problems []string `json:"problems,omitempty"`
	Summary  string   `json:"summary"`
}

type schemeJSON struct {
	Scheme    string `json:"scheme"`
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`
}

type checkJSON struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Detail  string `json:"detail"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

type doctorReport struct {
	Backend    string       `json:"backend"`
	Go         string       `json:"go"`
	Platform   string       `json:"platform"`
	Cgo        bool         `json:"cgo"`
	TrustStore string       `json:"trust_store"`
	StoreError string       `json:"trust_store_error,omitempty"`
	Generation uint64       `json:"generation,omitempty"` // changes whenever the store's content does
	Anchors    int          `json:"anchors"`
	Sources    []sourceJSON `json:"sources"`
	Policy     policyJSON   `json:"policy"`
	Schemes    []schemeJSON `json:"schemes"`
	Checks     []checkJSON  `json:"self_test"`
	Healthy    bool         `json:"healthy"`
}

func runDoctor(e *env, args []string) error {
	var o doctorOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	if _, err := now(); err != nil {
		return err
	}
	r := doctorReport{Backend: native.Backend().Name, Go: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Cgo: cgoEnabled, Healthy: true}
	store, serr := native.TrustStore(o.roots)
	if store == nil {
		r.StoreError, r.Healthy = humanMessage(serr), false
		r.TrustStore = native.RedactURI(o.roots)
	} else {
		r.TrustStore = store.String()
		if serr != nil {
			r.StoreError = serr.Error()
		}
		r.Sources, r.Anchors = storeSources(store)
		if g, ok := store.(trust.Generational); ok {
			r.Generation = g.Generation()
		}
	}
	p := native.Policy()
	r.Policy = policyJSON{Verify: p.Verify(), Setting: p.Setting.String(), Source: p.Source,
		Ignored: p.Ignored, Problems: p.Problems, Summary: p.String()}
	for _, c := range native.Backend().Capabilities() {
		r.Schemes = append(r.Schemes, schemeJSON{Scheme: c.Name, Available: c.Available, Note: c.Note})
	}
	r.Checks = selfTest()
	for _, c := range r.Checks {
		r.Healthy = r.Healthy && c.OK
	}
	if e.json {
		if err := e.printJSON(r); err != nil {
			return err
		}
	} else {
		printDoctor(e.stdout, r)
	}
	if !r.Healthy {
		return errSilentFail
	}
	return nil
}

// storeSources lists the sources a store reports, and its anchor count.
func storeSources(store trust.TrustStore) ([]sourceJSON, int) {
	var out []sourceJSON
	total := 0
	if sr, ok := store.(trust.SourceReporter); ok {
		for _, s := range sr.Sources() {
			j := sourceJSON{Name: s.Name, Path: s.Path, Anchors: s.Anchors, Distrusted: s.Distrusted, Skipped: s.Skipped}
			if s.Err != nil {
				j.Error = s.Err.Error()
			}
			if !s.Modified.IsZero() {
				m := s.Modified.UTC()
				j.Modified = &m
			}
			total += s.Anchors
			out = append(out, j)
		}
		return out, total
	}
	if al, ok := store.(trust.AnchorLister); ok {
		if anchors, err := al.Anchors(context.Background()); err == nil {
			for _, a := range anchors {
				if !a.Distrusted {
					total++
				}
			}
			out = append(out, sourceJSON{Name: store.String(), Anchors: total})
		}
		return out, total
	}
	return []sourceJSON{{Name: store.String(), Anchors: -1, Skipped: "this store cannot list its anchors (it asks the operating system per chain)"}}, -1
}

func printDoctor(w io.Writer, r doctorReport) {
	fmt.Fprintf(w, "backend:     %s (%s, %s, cgo %s)\n", r.Backend, r.Go, r.Platform, either(r.Cgo, "on", "off"))
	fmt.Fprintf(w, "trust store: %s\n", r.TrustStore)
	if r.Generation != 0 {
		fmt.Fprintf(w, "  generation %d (changes when the store reloads)\n", r.Generation)
	}
	if r.StoreError != "" {
		fmt.Fprintf(w, "  problem:   %s\n", r.StoreError)
	}
	printSources(w, r.Sources)
	fmt.Fprintf(w, "policy:      %s\n", r.Policy.Summary)
	for _, pr := range r.Policy.Problems {
		fmt.Fprintf(w, "  ignored:   %s\n", pr)
	}
	printSchemes(w, r.Schemes)
	printChecks(w, r.Checks)
	fmt.Fprintln(w, either(r.Healthy, "healthy", "NOT healthy: see the problems above"))
}

// printSources prints the trust sources with their counts or why skipped.
func printSources(w io.Writer, sources []sourceJSON) {
	if len(sources) > 0 {
		fmt.Fprintln(w, "sources:")
	}
	for _, s := range sources {
		loc := s.location()
		switch {
		case s.Skipped != "":
			fmt.Fprintf(w, "  - %s: skipped: %s\n", loc, s.Skipped)
		case s.Anchors < 0:
			fmt.Fprintf(w, "  - %s\n", loc)
		default:
			fmt.Fprintf(w, "  - %s: %s, %d distrusted%s\n", loc, count(s.Anchors, "anchor", ""), s.Distrusted, changedNote(s.Modified))
		}
		if s.Error != "" {
			fmt.Fprintf(w, "      error: %s\n", s.Error)
		}
	}
}

// printSchemes prints what this binary can load and from where.
func printSchemes(w io.Writer, schemes []schemeJSON) {
	fmt.Fprintln(w, "key, certificate and password schemes:")
	for _, sc := range schemes {
		state := either(sc.Available, "available", "not available")
		if sc.Note != "" {
			state += " (" + sc.Note + ")"
		}
		fmt.Fprintf(w, "  - %s: %s\n", sc.Scheme, state)
	}
}

// printChecks prints the self-test's handshakes.
func printChecks(w io.Writer, checks []checkJSON) {
	fmt.Fprintln(w, "self-test (loopback, throwaway CA, native contexts):")
	for _, c := range checks {
		fmt.Fprintf(w, "  %s %s: %s\n", either(c.OK, "ok  ", "FAIL"), c.Name, c.Detail)
		if c.Message != "" {
			fmt.Fprintf(w, "       message: %s\n", c.Message)
		}
	}
}

// selfTest runs handshakes over loopback through native contexts: one that
// must succeed and two that must fail with a clear message.
func selfTest() []checkJSON {
	// The contexts verify at the real time, so the throwaway PKI uses it too.
	at := time.Now()
	pki, err := newThrowawayPKI(at)
	if err != nil {
		return []checkJSON{{Name: "throwaway CA", Detail: err.Error()}}
	}
	srvCfg := trust.DefaultConfiguration().WithCertificateChain(pki.leafKey, pki.leaf)
	srv, err := native.NewServerContext(srvCfg)
	if err != nil {
		return []checkJSON{{Name: "server context", Detail: err.Error()}}
	}
	ln, err := srv.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return []checkJSON{{Name: "listen on loopback", Detail: err.Error()}}
	}
	defer ln.Close()
	go acceptLoop(ln)
	addr := ln.Addr().String()
	anchors := trust.FromCertificates("throwaway CA", pki.ca)
	// Explicit validation: the self-test checks the stack, whatever the
	// process-wide policy says (doctor reports the policy separately).
	client := trust.DefaultConfiguration().WithCertificateValidation().WithTrustStore(anchors)

	var checks []checkJSON
	checks = append(checks, handshakeCheck("trusted server", client, addr, "localhost"))
	checks = append(checks, handshakeCheck("wrong host name (must fail)", client, addr, "wrong.example", trust.ReasonHostnameMismatch.String()))
	sys := trust.DefaultConfiguration().WithCertificateValidation()
	checks = append(checks, handshakeCheck("CA not in the system store (must fail)", sys, addr, "localhost",
		trust.ReasonUnknownAuthority.String(), trust.ReasonMissingIntermediate.String()))
	return checks
}

// handshakeCheck dials addr as serverName with cfg; no wantReasons means the
// handshake must succeed, otherwise it must fail with one of them.
func handshakeCheck(name string, cfg trust.Configuration, addr, serverName string, wantReasons ...string) checkJSON {
	c := checkJSON{Name: name}
	ctx, err := native.NewClientContext(cfg)
	if err != nil {
		if slices.Contains(wantReasons, trust.ReasonUnknownAuthority.String()) {
			// No system store at all: the CA is certainly not in it.
			c.OK, c.Detail, c.Message = true, "rejected: the system trust store could not be loaded", humanMessage(err)
			return c
		}
		c.Detail = "client context: " + err.Error()
		return c
	}
	raw, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	defer raw.Close()
	_ = raw.SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := ctx.WrapConn(raw, serverName)
	if err == nil {
		err = conn.Handshake()
	}
	if len(wantReasons) == 0 {
		if err != nil {
			c.Detail, c.Message = "handshake failed", humanMessage(err)
			return c
		}
		cs := conn.ConnectionState()
		c.OK = true
		c.Detail = fmt.Sprintf("%s handshake, server %q verified", versionName(cs.Version), serverName)
		conn.Close()
		return c
	}
	if err == nil {
		c.Detail = "the handshake succeeded but must have failed: verification is not working"
		conn.Close()
		return c
	}
	d := verificationDetail(err)
	c.Reason, c.Message = d.Reason, d.Message
	var ve *trust.VerificationError
	c.OK = errors.As(err, &ve) && slices.Contains(wantReasons, d.Reason)
	if c.OK {
		c.Detail = "rejected as expected (" + d.Reason + ")"
	} else {
		c.Detail = fmt.Sprintf("rejected with reason %q, want one of %q", d.Reason, wantReasons)
	}
	return c
}

// acceptLoop answers the self-test's connections until ln is closed.
func acceptLoop(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go answerHandshake(conn)
	}
}

// answerHandshake completes the server side of one self-test handshake
// and waits for the client to hang up.
func answerHandshake(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if hs, ok := conn.(interface{ Handshake() error }); ok {
		_ = hs.Handshake()
	}
	var b [1]byte
	_, _ = conn.Read(b[:])
}

func versionName(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	case 0x0302:
		return "TLS 1.1"
	case 0x0301:
		return "TLS 1.0"
	}
	return fmt.Sprintf("TLS 0x%04x", v)
}

// changedNote renders a source's last change for the text output.
func changedNote(t *time.Time) string {
	if t == nil {
		return ""
	}
	return "; changed " + t.UTC().Format("2006-01-02 15:04:05 UTC")
}
