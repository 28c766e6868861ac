package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type serveOpts struct {
	listen, cert, key, clientCA, password string
}

func (o *serveOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8443", "`ADDR` to listen on (port 0 picks a free port; the bound address is printed)")
	fs.StringVar(&o.cert, "cert", "", "certificate chain `URI`: a PEM/PKCS#12 file, pkcs11:, capi: or mackms: (may hold the key too)")
	fs.StringVar(&o.key, "key", "", "private key `URI`: a key file, pkcs11:, capi: or mackms: (alone, a token or OS-store URI also supplies the chain)")
	fs.StringVar(&o.clientCA, "client-ca", "", "require client certificates verified against the anchors in `FILE`")
	fs.StringVar(&o.password, "password", "", "password or PIN `SOURCE`: env:VAR, file:PATH, keychain:SERVICE/ACCOUNT or pass:TEXT")
}

func init() {
	register(&command{
		name:     "serve",
		synopsis: "run an HTTPS server through the native server context until SIGINT/SIGTERM; certificate changes (and SIGHUP) reload it",
		usage:    "--listen ADDR --cert URI --key URI [--client-ca FILE] [--password SOURCE] [--json]",
		examples: `  nativetls serve --listen :8443 --cert server.pem --key server-key.pem
  nativetls serve --listen 127.0.0.1:0 --cert server.p12 --password env:P12_PASSWORD
  nativetls serve --listen :8443 --key 'pkcs11:token=web;object=server?pin-source=/etc/web.pin'
  nativetls serve --listen :8443 --cert server.pem --key server-key.pem --client-ca clients-ca.pem
`,
		define: new(serveOpts).define,
		run:    runServe,
	})
}

func runServe(e *env, args []string) error {
	var o serveOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	w, err := o.watch(e)
	if err != nil {
		return err
	}
	defer w.Close()
	chain, _ := w.Identity()
	sctx, err := o.context(w)
	if err != nil {
		return err
	}
	// net/http needs *tls.Conn values to fill Request.TLS and speak h2, so
	// it gets the context's tls.Config (verification still runs through the
	// context's trust store).
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return inputErr(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(helloHandler), ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: sctx.TLSConfig(), ErrorLog: log.New(io.Discard, "", 0)}
	printListening(e, ln.Addr().String(), chain)
	return serveUntilSignal(e, srv, ln, w)
}

// watch loads the chain and key the flags name — --cert and --key
// together, or either alone (a token or OS-store URI, a PEM file holding
// both, a PKCS#12 bundle) — and keeps them current: a changed file or
// token certificate is loaded, checked against its key and served from the
// next handshake, the previous identity staying when the new one does not
// fit. Chains from tokens and OS stores are completed from their CA
// certificates by the library.
func (o *serveOpts) watch(e *env) (*native.IdentityWatcher, error) {
	if o.cert == "" && o.key == "" {
		return nil, usagef("give --cert URI and/or --key URI")
	}
	lopts, err := passwordOptions(o.password)
	if err != nil {
		return nil, err
	}
	uri, wo := o.cert, native.WatchOptions{Load: lopts}
	switch {
	case o.cert != "" && o.key != "":
		wo.Key = o.key
	case o.cert == "":
		uri = o.key
	}
	wo.OnChange = func(ch trust.CertificateChain) { printServing(e, "identity changed", ch) }
	wo.OnError = func(err error) {
		fmt.Fprintf(e.stderr, "nativetls serve: keeping the current certificate: %v\n", err)
	}
	w, err := native.WatchIdentity(uri, wo)
	if err != nil {
		return nil, inputErr(err)
	}
	return w, nil
}

// context builds the server context: the watched identity, h2 and HTTP/1.1, and
// required client certificates when --client-ca is given.
func (o *serveOpts) context(id trust.IdentitySource) (*native.ServerContext, error) {
	cfg := trust.DefaultConfiguration().WithIdentitySource(id).WithInnerProtocols(trust.H2, trust.HTTP1_1)
	if o.clientCA != "" {
		cfg = cfg.WithClientAuth(trust.RequireClientCert)
	}
	cfg, err := withAnchors(cfg, o.clientCA)
	if err != nil {
		return nil, err
	}
	sctx, err := native.NewServerContext(cfg)
	if err != nil {
		return nil, inputErr(err)
	}
	return sctx, nil
}

// servedCertJSON is one certificate of the chain serve sends.
type servedCertJSON struct {
	Subject  string    `json:"subject"`
	Serial   string    `json:"serial"`
	NotAfter time.Time `json:"not_after"`
}

// servedJSON is what serve prints about the chain it sends: when it
// starts listening, and after each change.
type servedJSON struct {
	Listening string           `json:"listening,omitempty"`
	Event     string           `json:"event,omitempty"`
	Chain     []servedCertJSON `json:"chain"`
}

// printListening prints the bound address first (scripts read that line),
// then the chain the server sends.
func printListening(e *env, addr string, chain trust.CertificateChain) {
	printServed(e, servedJSON{Listening: addr}, "listening on "+addr, chain)
}

// printServing says what the server sends from now on (after a reload).
func printServing(e *env, why string, chain trust.CertificateChain) {
	printServed(e, servedJSON{Event: why}, why+" at "+time.Now().UTC().Format(time.RFC3339), chain)
}

// printServed prints r with the chain, or, without --json, the line and
// the chain.
func printServed(e *env, r servedJSON, line string, chain trust.CertificateChain) {
	r.Chain = servedChain(chain)
	if e.json {
		_ = e.printJSON(r)
		return
	}
	e.outf("%s\n", line)
	printChainLines(e, r.Chain)
}

// servedChain describes the certificates of the chain serve sends.
func servedChain(chain trust.CertificateChain) []servedCertJSON {
	sent := make([]servedCertJSON, 0, len(chain.Certificates))
	for _, c := range chain.Certificates {
		sent = append(sent, servedCertJSON{Subject: c.Subject.String(), Serial: c.SerialNumber.Text(16), NotAfter: c.NotAfter.UTC()})
	}
	return sent
}

func printChainLines(e *env, sent []servedCertJSON) {
	e.outf("sending a chain of %s:\n", count(len(sent), "certificate", ""))
	for i, c := range sent {
		e.outf("  %d %s\n      serial %s, not after %s\n", i, c.Subject, c.Serial, c.NotAfter.Format(time.RFC3339))
	}
}

// serveUntilSignal serves until SIGINT/SIGTERM (exit 0) or a server error;
// SIGHUP reloads the identity at once.
func serveUntilSignal(e *env, srv *http.Server, ln net.Listener, w *native.IdentityWatcher) error {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	for {
		select {
		case s := <-sig:
			if s == syscall.SIGHUP {
				reloadOnSignal(e, w)
				continue
			}
			fmt.Fprintf(e.stderr, "nativetls serve: %v: shutting down\n", s)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
			return nil
		case err := <-done:
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return &failError{err.Error()}
		}
	}
}

// reloadOnSignal re-reads the identity (SIGHUP); a change is printed by
// the watcher's OnChange, a failure here.
func reloadOnSignal(e *env, w *native.IdentityWatcher) {
	before := w.Generation()
	if err := w.Reload(); err != nil {
		fmt.Fprintf(e.stderr, "nativetls serve: SIGHUP: keeping the current certificate: %v\n", err)
		return
	}
	if w.Generation() == before {
		fmt.Fprintf(e.stderr, "nativetls serve: SIGHUP: the identity is unchanged\n")
	}
}

// helloHandler answers every request with a short description of the
// connection.
func helloHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "hello from nativetls serve\n")
	if r.TLS != nil {
		fmt.Fprintf(w, "tls: %s, alpn %q, sni %q\n", versionName(r.TLS.Version), r.TLS.NegotiatedProtocol, r.TLS.ServerName)
		if len(r.TLS.PeerCertificates) > 0 {
			fmt.Fprintf(w, "client: %s\n", r.TLS.PeerCertificates[0].Subject)
		}
	}
}
