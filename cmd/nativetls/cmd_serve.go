package main

import (
	"context"
	"crypto/x509"
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
		synopsis: "run an HTTPS server through the native server context until SIGINT/SIGTERM",
		usage:    "--listen ADDR --cert URI --key URI [--client-ca FILE] [--password SOURCE] [--json]",
		examples: `  nativetls serve --listen :8443 --cert server.pem --key server-key.pem
  nativetls serve --listen 127.0.0.1:0 --cert server.p12 --password env:P12_PASSWORD
  nativetls serve --listen :8443 --key 'pkcs11:token=web;object=server?pin-source=/etc/web.pin'
  nativetls serve --listen :8443 --cert server.pem --key server-key.pem --client-ca clients-ca.pem
`,
		run: runServe,
	})
	flagSetups["serve"] = func(fs *flag.FlagSet) { new(serveOpts).define(fs) }
}

func runServe(e *env, args []string) error {
	var o serveOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	chain, err := o.identity()
	if err != nil {
		return err
	}
	if c, ok := chain.PrivateKey.(interface{ Close() error }); ok {
		defer c.Close()
	}
	sctx, err := o.context(chain)
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
	printListening(e, ln.Addr().String(), chain.Certificates)
	return serveUntilSignal(e, srv, ln)
}

// identity loads the chain and key the flags name: --cert and --key
// together, or either alone (a token or OS-store URI, a PEM file holding
// both, a PKCS#12 bundle). Chains from tokens and OS stores are completed
// from their CA certificates by the library.
func (o *serveOpts) identity() (trust.CertificateChain, error) {
	if o.cert == "" && o.key == "" {
		return trust.CertificateChain{}, usagef("give --cert URI and/or --key URI")
	}
	var lopts []native.LoadOption
	if o.password != "" {
		if _, err := native.PasswordSource(o.password); err != nil {
			return trust.CertificateChain{}, usagef("--password: %v", err)
		}
		lopts = append(lopts, native.WithPasswordSource(o.password))
	}
	uri := o.cert
	switch {
	case o.cert != "" && o.key != "":
		lopts = append(lopts, native.WithKey(o.key))
	case o.cert == "":
		uri = o.key
	}
	chain, err := native.LoadIdentity(uri, lopts...)
	if err != nil {
		return chain, inputErr(err)
	}
	return chain, nil
}

// context builds the server context: the chain, h2 and HTTP/1.1, and
// required client certificates when --client-ca is given.
func (o *serveOpts) context(chain trust.CertificateChain) (*native.ServerContext, error) {
	cfg := trust.DefaultConfiguration().WithCertificateChains(chain).WithInnerProtocols(trust.H2, trust.HTTP1_1)
	if o.clientCA != "" {
		store, err := native.TrustStore(o.clientCA)
		if store == nil {
			return nil, inputErr(err)
		}
		cfg = cfg.WithTrustStore(store).WithClientAuth(trust.RequireClientCert)
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

// printListening prints the bound address first (scripts read that line),
// then the chain the server sends.
func printListening(e *env, addr string, certs []*x509.Certificate) {
	sent := make([]servedCertJSON, 0, len(certs))
	for _, c := range certs {
		sent = append(sent, servedCertJSON{Subject: c.Subject.String(), Serial: c.SerialNumber.Text(16), NotAfter: c.NotAfter.UTC()})
	}
	if e.json {
		_ = e.printJSON(struct {
			Listening string           `json:"listening"`
			Chain     []servedCertJSON `json:"chain"`
		}{addr, sent})
	} else {
		e.outf("listening on %s\nsending a chain of %s:\n", addr, count(len(sent), "certificate", ""))
		for i, c := range sent {
			e.outf("  %d %s\n      serial %s, not after %s\n", i, c.Subject, c.Serial, c.NotAfter.Format(time.RFC3339))
		}
	}
	if f, ok := e.stdout.(*os.File); ok {
		_ = f.Sync()
	}
}

// serveUntilSignal serves until SIGINT/SIGTERM (exit 0) or a server error.
func serveUntilSignal(e *env, srv *http.Server, ln net.Listener) error {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	select {
	case s := <-sig:
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
