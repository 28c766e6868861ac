package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nativetls/nativetls/internal/safefile"
	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type verifyOpts struct {
	leaf, intermediates, roots, host, tm, usage, connect string
	system, strict, noFetch, fetch, fetchPrivate         bool
	pins, crls                                           multiFlag
	maxDepth                                             int
	maxDepthSet                                          bool
}

func (o *verifyOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.leaf, "leaf", "", "PEM `FILE` with the leaf certificate first (more certificates after it count as intermediates)")
	fs.StringVar(&o.intermediates, "intermediates", "", "PEM `FILE` of intermediate certificates, in any order")
	fs.StringVar(&o.roots, "roots", "", "PEM `FILE` of trust anchors: only these are trusted (fetching intermediates is then off unless --fetch)")
	fs.BoolVar(&o.system, "system", false, "trust what the platform trusts (the platform backend's system store)")
	fs.StringVar(&o.host, "host", "", "DNS `NAME` or IP address the leaf must be valid for (default with --connect: its host; otherwise no name check)")
	fs.StringVar(&o.tm, "time", "", "verification time, `RFC3339` (default: now, or NATIVETLS_NOW)")
	fs.StringVar(&o.usage, "usage", "serverAuth", "`USAGE` to verify for: serverAuth, clientAuth or any")
	fs.BoolVar(&o.strict, "strict", false, "strict profile: extra RFC 5280 / CA/B Forum checks")
	fs.BoolVar(&o.noFetch, "no-fetch", false, "never fetch missing intermediates from AIA caIssuers URLs")
	fs.BoolVar(&o.fetch, "fetch", false, "fetch missing intermediates even with --roots")
	fs.BoolVar(&o.fetchPrivate, "fetch-private", false, "let AIA caIssuers URLs reach loopback, private and link-local addresses (an intranet CA); off by default: certificate-supplied URLs are the peer's choice")
	fs.StringVar(&o.connect, "connect", "", "fetch the chain from a live TLS server at `HOST:PORT` instead of --leaf")
	fs.Var(&o.pins, "pin", "required SPKI `PIN` (pin-sha256=\"...\"); repeatable")
	fs.Func("max-depth", "at most `N` intermediates between leaf and anchor (0: the leaf must be issued by an anchor; default: no limit)", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("want a number of intermediates, 0 or more")
		}
		o.maxDepth, o.maxDepthSet = n, true
		return nil
	})
	fs.Var(&o.crls, "crl", "certificate revocation list `FILE` (DER or PEM) to consult; repeatable")
}

func init() {
	register(&command{
		name:     "verify",
		synopsis: "verify a certificate chain from files or a live server, and say exactly why it fails",
		usage:    "--leaf FILE [--intermediates FILE] (--roots FILE | --system) [--host NAME|IP] [--time RFC3339] [--usage serverAuth|clientAuth|any] [--strict] [--no-fetch|--fetch] [--pin PIN] [--max-depth N] [--crl FILE] [--json]\n       nativetls verify --connect HOST:PORT [--roots FILE | --system] [flags]",
		examples: `  nativetls verify --leaf site.pem --system --host www.example.com
  nativetls verify --leaf leaf.pem --intermediates ca-int.pem --roots ca.pem --host 10.0.0.7 --time 2026-01-01T00:00:00Z
  nativetls verify --connect example.com:443 --json
  nativetls verify --leaf client.pem --roots clients-ca.pem --usage clientAuth
`,
		define: new(verifyOpts).define,
		run:    runVerify,
	})
}

// verifyResult is the JSON output of verify.
type verifyResult struct {
	Valid    bool              `json:"valid"`
	Reason   string            `json:"reason,omitempty"`
	Message  string            `json:"message,omitempty"`
	Error    *verificationJSON `json:"error,omitempty"`
	Host     string            `json:"host,omitempty"`
	Usage    string            `json:"usage"`
	Time     time.Time         `json:"time"`
	Store    string            `json:"trust_store"`
	Chain    []certJSON        `json:"chain"`
	Verified []certJSON        `json:"verified_chain,omitempty"`
}

func runVerify(e *env, args []string) error {
	var o verifyOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	opts, err := o.verifyOptions()
	if err != nil {
		return err
	}
	chain, malformed, err := o.chain(&opts)
	if err != nil {
		return err
	}
	store, storeName, err := o.trustStore(e, opts, &malformed)
	if err != nil {
		return err
	}
	var verified [][]*x509.Certificate
	verr := error(malformed)
	if malformed == nil {
		verified, verr = o.verify(context.Background(), store, chain, opts)
	}
	res := verifyResult{Valid: verr == nil, Host: opts.ServerName, Usage: opts.Usage.String(), Time: opts.Time.UTC(),
		Store: storeName, Chain: describeAll(chain)}
	if verr != nil {
		d := verificationDetail(verr)
		res.Reason, res.Message, res.Error = d.Reason, d.Message, &d
	} else if len(verified) > 0 {
		res.Verified = describeAll(verified[0])
	}
	return printVerify(e, res, verr, verified)
}

// check refuses flag combinations that say nothing or contradict
// themselves; --connect without a trust choice means --system.
func (o *verifyOpts) check() error {
	if (o.leaf == "") == (o.connect == "") {
		return usagef("give exactly one of --leaf FILE or --connect HOST:PORT")
	}
	if o.roots != "" && o.system {
		return usagef("--roots and --system exclude each other (for both, use --roots system+FILE)")
	}
	if o.roots == "" && !o.system {
		if o.connect == "" {
			return usagef("say what to trust: --roots FILE or --system")
		}
		o.system = true
	}
	if o.fetch && o.noFetch {
		return usagef("--fetch and --no-fetch exclude each other")
	}
	return nil
}

// verifyOptions turns the flags into trust.VerifyOptions.
func (o *verifyOpts) verifyOptions() (trust.VerifyOptions, error) {
	usage, err := parseUsage(o.usage)
	if err != nil {
		return trust.VerifyOptions{}, err
	}
	at, err := now()
	if err != nil {
		return trust.VerifyOptions{}, err
	}
	if o.tm != "" {
		if at, err = time.Parse(time.RFC3339, o.tm); err != nil {
			return trust.VerifyOptions{}, usagef("--time %q is not RFC 3339 (e.g. 2026-11-23T12:00:00Z)", o.tm)
		}
	}
	opts := trust.VerifyOptions{ServerName: o.host, Usage: usage, Time: at, Strict: o.strict,
		DisableFetch: o.noFetch || (o.roots != "" && !o.fetch)}
	for _, p := range o.pins {
		pin, err := trust.ParsePin(p)
		if err != nil {
			return opts, usagef("--pin %q: %v", p, err)
		}
		opts.Pins = append(opts.Pins, pin)
	}
	if o.maxDepthSet {
		opts.MaxDepth = o.maxDepth
		if o.maxDepth == 0 {
			opts.MaxDepth = trust.MaxDepthNoIntermediates
		}
	}
	for _, f := range o.crls {
		crl, err := loadCRL(f)
		if err != nil {
			return opts, inputErr(err)
		}
		opts.CRLs = append(opts.CRLs, crl)
	}
	return opts, nil
}

// chain returns the certificates to verify: from the live server (whose
// host and stapled OCSP response then go into opts) or from the files. A
// file that reads as PEM but holds a certificate crypto/x509 cannot parse
// is a verification failure (reason malformed, exit 1), not unreadable
// input: the peer's certificate is invalid.
func (o *verifyOpts) chain(opts *trust.VerifyOptions) ([]*x509.Certificate, *trust.VerificationError, error) {
	if o.connect != "" {
		chain, staple, err := fetchChain(o.connect)
		if err != nil {
			return nil, nil, inputErr(err)
		}
		opts.OCSPResponse = staple
		if opts.ServerName == "" {
			opts.ServerName, _, _ = net.SplitHostPort(o.connect)
		}
		return chain, nil, nil
	}
	chain, err := native.LoadCertificates(o.leaf)
	if err != nil {
		return loadFailure(chain, err, "leaf", *opts)
	}
	if o.intermediates != "" {
		more, err := native.LoadCertificates(o.intermediates)
		chain = append(chain, more...)
		if err != nil {
			return loadFailure(chain, err, "intermediate", *opts)
		}
	}
	return chain, nil, nil
}

// loadFailure is a malformed certificate (a verification failure) or an
// input error.
func loadFailure(chain []*x509.Certificate, err error, role string, opts trust.VerifyOptions) ([]*x509.Certificate, *trust.VerificationError, error) {
	if m := malformedCert(err, role, opts); m != nil {
		return chain, m, nil
	}
	return nil, nil, inputErr(err)
}

// trustStore opens --roots or the system store and returns it with the
// name verify reports. A malformed anchor becomes *malformed (the failure
// reported); a store that loaded with problems is a warning.
func (o *verifyOpts) trustStore(e *env, opts trust.VerifyOptions, malformed **trust.VerificationError) (trust.TrustStore, string, error) {
	spec := o.roots
	if o.system {
		spec = "system"
	}
	store, err := native.TrustStore(spec)
	if store == nil {
		m := malformedCert(err, "trust anchor", opts)
		if m == nil {
			return nil, "", inputErr(err)
		}
		*malformed = m
		return nil, spec, nil
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "nativetls verify: warning: %v\n", err)
	}
	if *malformed != nil {
		return store, spec, nil
	}
	return store, store.String(), nil
}

// printVerify prints the result: JSON, or one line and the verified chain
// (exit 0), or the reason (exit 1).
func printVerify(e *env, res verifyResult, verr error, verified [][]*x509.Certificate) error {
	if e.json {
		if err := e.printJSON(res); err != nil {
			return err
		}
		if verr != nil {
			return errSilentFail
		}
		return nil
	}
	if verr != nil {
		return &failError{fmt.Sprintf("invalid (%s): %s", res.Reason, humanMessage(verr))}
	}
	name := "any name"
	if res.Host != "" {
		name = fmt.Sprintf("%q", res.Host)
	}
	e.outf("valid: chain verified for %s (%s) at %s with %s\n", name, res.Usage, res.Time.Format(time.RFC3339), res.Store)
	if len(verified) > 0 {
		printChain(e.stdout, verified[0])
	}
	return nil
}

// fetchChain connects to addr and returns the chain the server presents,
// without verifying it (verification happens afterwards, with the options
// the user gave), and the stapled OCSP response if any.
func fetchChain(addr string) ([]*x509.Certificate, []byte, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--connect %q: %v (use HOST:PORT)", addr, err)
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	// The chain is only collected here; trust.Verify decides afterwards.
	cfg := &tls.Config{ServerName: host, InsecureSkipVerify: true} //nolint:gosec // verified below
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot fetch the chain from %s: %w", addr, err)
	}
	defer conn.Close()
	cs := conn.ConnectionState()
	if len(cs.PeerCertificates) == 0 {
		return nil, nil, errors.New("the server at " + addr + " sent no certificate")
	}
	return cs.PeerCertificates, cs.OCSPResponse, nil
}

// loadCRL reads a certificate revocation list in DER or PEM ("X509 CRL").
func loadCRL(path string) (*x509.RevocationList, error) {
	data, err := safefile.Read(path, 0)
	if err != nil {
		return nil, fmt.Errorf("reading CRL: %w", err)
	}
	if b, _ := pem.Decode(data); b != nil {
		data = b.Bytes
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, fmt.Errorf("CRL %s is neither a DER nor a PEM X509 CRL: %w", path, err)
	}
	return crl, nil
}

// malformedCert turns a load error about a certificate that was found but
// does not parse (trust.CertificateError with an index) into the
// verification error verify reports; other errors (missing file, no
// certificate at all) stay input errors and give nil.
func malformedCert(err error, role string, opts trust.VerifyOptions) *trust.VerificationError {
	var ce *trust.CertificateError
	if !errors.As(err, &ce) || ce.Index < 0 {
		return nil
	}
	return &trust.VerificationError{Reason: trust.ReasonMalformed, Depth: -1, Host: opts.ServerName, Time: opts.Time,
		IntermediatesSent: -1, Detail: fmt.Sprintf("the %s certificate #%d in %s cannot be parsed: %v", role, ce.Index+1, ce.Source, ce.Err), Err: err}
}

// verify runs the pipeline: the package's default one, or one whose AIA
// fetcher may reach private networks (--fetch-private).
func (o *verifyOpts) verify(ctx context.Context, store trust.TrustStore, chain []*x509.Certificate, opts trust.VerifyOptions) ([][]*x509.Certificate, error) {
	if !o.fetchPrivate {
		return trust.Verify(ctx, store, chain, opts)
	}
	v := &trust.Verifier{Fetcher: &trust.AIAFetcher{AllowPrivateNetworks: true}}
	return v.Verify(ctx, store, chain, opts)
}
