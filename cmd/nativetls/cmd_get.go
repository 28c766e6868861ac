package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type getOpts struct{ clientFlags }

func (o *getOpts) define(fs *flag.FlagSet) {
	o.clientFlags.define(fs, "instead of the system store", "the URL's host; also the Host header")
}

func init() {
	register(&command{
		name:     "get",
		synopsis: "HTTPS GET through the native stack; body to stdout, the verification message on failure",
		usage:    "URL [--roots SPEC] [--host NAME] [--timeout DURATION] [--client-cert SOURCE]... [--password SOURCE] [--json]",
		examples: "  nativetls get https://example.com/\n  nativetls get https://127.0.0.1:8443/ --roots ca.pem --host localhost\n  nativetls get https://internal.example/health --roots system+company-root.pem --json\n" +
			"  nativetls get https://mtls.example/ --client-cert ~/certs/ --client-cert 'pkcs11:token=PIV?module-path=/usr/lib/opensc-pkcs11.so' --password env:PIN\n",
		define: new(getOpts).define,
		run:    runGet,
	})
}

type getJSON struct {
	URL        string              `json:"url"`
	Status     int                 `json:"status,omitempty"`
	TLSVersion string              `json:"tls_version,omitempty"`
	Cipher     string              `json:"cipher_suite,omitempty"`
	ALPN       string              `json:"alpn,omitempty"`
	Verified   []certJSON          `json:"verified_chain,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	Body       string              `json:"body,omitempty"`
	Error      *verificationJSON   `json:"error,omitempty"`
}

func runGet(e *env, args []string) error {
	var o getOpts
	arg, err := e.parseOneArg(args, o.define, "URL")
	if err != nil {
		return err
	}
	u, err := url.Parse(arg)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return usagef("%q is not an https:// URL", arg)
	}
	ctx, err := o.clientContext()
	if err != nil {
		return err
	}
	d := &verifiedDialer{ctx: ctx, host: o.host, dialer: &net.Dialer{Timeout: o.timeout}}
	client := &http.Client{Timeout: o.timeout, Transport: &http.Transport{DialTLSContext: d.dialTLS, ForceAttemptHTTP2: true}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u.String(), nil)
	if err != nil {
		return usagef("%v", err)
	}
	if o.host != "" {
		req.Host = o.host
	}
	req.Header.Set("User-Agent", "nativetls/"+buildVersion())
	resp, err := client.Do(req)
	if err != nil {
		return getFailed(e, u.String(), withClientIDReason(err, d.clientIDError()))
	}
	defer resp.Body.Close()
	return printGet(e, getResult(u.String(), resp, d), resp.Body)
}

// clientContext is the native client context get uses: h2 and HTTP/1.1,
// the --roots store or the platform's, the --client-cert identities.
func (o *getOpts) clientContext() (*native.ClientContext, error) {
	cfg, err := withAnchors(trust.DefaultConfiguration().WithInnerProtocols(trust.H2, trust.HTTP1_1), o.roots)
	if err == nil {
		cfg, err = o.configure(cfg)
	}
	if err != nil {
		return nil, err
	}
	return clientContext(cfg)
}

// verifiedDialer sends every connection through the native client context
// (WrapConn, verified in VerifyConnection); net/http gets the *tls.Conn
// inside so it fills Response.TLS and can speak h2. It keeps the chains
// the last handshake verified.
type verifiedDialer struct {
	ctx      *native.ClientContext
	host     string // --host: the name verified instead of the URL's
	dialer   *net.Dialer
	mu       sync.Mutex
	verified [][]*x509.Certificate
	clientID error // why the last connection sent no client certificate
}

func (d *verifiedDialer) clientIDError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.clientID
}

func (d *verifiedDialer) dialTLS(dctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if d.host != "" {
		host = d.host
	}
	raw, err := d.dialer.DialContext(dctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn, err := d.ctx.WrapConn(raw, host)
	if err == nil {
		err = conn.HandshakeContext(dctx)
	}
	if err != nil {
		raw.Close()
		return nil, err
	}
	d.mu.Lock()
	d.verified = conn.VerifiedChains()
	d.clientID = clientIdentityFailure(conn)
	d.mu.Unlock()
	return conn.Conn, nil
}

// getResult describes the response and the connection it came over.
func getResult(url string, resp *http.Response, d *verifiedDialer) getJSON {
	res := getJSON{URL: url, Status: resp.StatusCode, Headers: resp.Header}
	if resp.TLS != nil {
		res.TLSVersion = versionName(resp.TLS.Version)
		res.Cipher = trust.CipherSuite(resp.TLS.CipherSuite).String()
		res.ALPN = resp.TLS.NegotiatedProtocol
		d.mu.Lock()
		if len(d.verified) > 0 {
			res.Verified = describeAll(d.verified[0])
		}
		d.mu.Unlock()
	}
	return res
}

// printGet prints the body, or the JSON report with the body in it.
func printGet(e *env, res getJSON, body io.Reader) error {
	if e.json {
		b, err := io.ReadAll(body)
		if err != nil {
			return &failError{"reading the body: " + err.Error()}
		}
		res.Body = string(b)
		return e.printJSON(res)
	}
	if _, err := io.Copy(e.stdout, body); err != nil {
		return &failError{"reading the body: " + err.Error()}
	}
	return nil
}

// getFailed reports a failed request: the verification sentence when the
// server was not trusted, the transport error otherwise.
func getFailed(e *env, u string, err error) error {
	var ve *trust.VerificationError
	if e.json {
		d := verificationDetail(err)
		_ = e.printJSON(getJSON{URL: u, Error: &d})
		return errSilentFail
	}
	if errors.As(err, &ve) {
		return &failError{fmt.Sprintf("%s: the server is not trusted (%s): %s", u, ve.Reason, ve.Message())}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &failError{fmt.Sprintf("%s: %v", u, err)}
}
