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
	fs := e.cmd.flags(o.define)
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if o.cert == "" && o.key == "" {
		return usagef("give --cert URI and/or --key URI")
	}
	var lopts []native.LoadOption
	if o.password != "" {
		if _, err := native.PasswordSource(o.password); err != nil {
			return usagef("--password: %v", err)
		}
		lopts = append(lopts, native.WithPasswordSource(o.password))
	}
	var chain trust.CertificateChain
	switch {
	case o.cert != "" && o.key != "":
		chain, err = native.LoadIdentity(o.cert, append(lopts, native.WithKey(o.key))...)
	case o.cert != "":
		chain, err = native.LoadIdentity(o.cert, lopts...)
	default:
		chain, err = native.LoadIdentity(o.key, lopts...)
	}
	if err != nil {
		return inputErr(err)
	}
	if c, ok := chain.PrivateKey.(interface{ Close() error }); ok {
		defer c.Close()
	}
	cfg := trust.DefaultConfiguration().WithCertificateChains(chain).WithInnerProtocols(trust.H2, trust.HTTP1_1)
	if o.clientCA != "" {
		store, err := native.TrustStore(o.clientCA)
		if store == nil {
			return inputErr(err)
		}
		cfg = cfg.WithTrustStore(store).WithClientAuth(trust.RequireClientCert)
	}
	sctx, err := native.NewServerContext(cfg)
	if err != nil {
		return inputErr(err)
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
	if e.json {
		_ = e.printJSON(map[string]string{"listening": ln.Addr().String()})
	} else {
		e.outf("listening on %s\n", ln.Addr())
	}
	if f, ok := e.stdout.(*os.File); ok {
		_ = f.Sync()
	}
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
