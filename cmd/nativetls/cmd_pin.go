package main

import (
	"crypto/x509"
	"flag"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type pinOpts struct{ connect string }

func (o *pinOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.connect, "connect", "", "read the chain from a live TLS server at `HOST:PORT`")
}

func init() {
	register(&command{
		name:     "pin",
		synopsis: "print the RFC 7469 pin-sha256 of each certificate in a file or a live server's chain",
		usage:    "(FILE... | --connect HOST:PORT) [--json]",
		examples: "  nativetls pin server.pem\n  nativetls pin --connect example.com:443\n  nativetls pin ca.pem --json\n",
		define:   new(pinOpts).define,
		run:      runPin,
	})
}

type pinJSON struct {
	Subject string `json:"subject"`
	Source  string `json:"source"`
	Pin     string `json:"pin"`
}

func runPin(e *env, args []string) error {
	var o pinOpts
	files, err := e.parseArgs(args, o.define)
	if err != nil {
		return err
	}
	if (len(files) == 0) == (o.connect == "") {
		return usagef("give certificate files or --connect HOST:PORT (not both)")
	}
	type src struct {
		name  string
		certs []*x509.Certificate
	}
	var srcs []src
	if o.connect != "" {
		certs, _, err := fetchChain(o.connect)
		if err != nil {
			return inputErr(err)
		}
		srcs = append(srcs, src{o.connect, certs})
	}
	for _, f := range files {
		certs, err := native.LoadCertificates(f)
		if err != nil {
			return inputErr(err)
		}
		srcs = append(srcs, src{f, certs})
	}
	out := []pinJSON{}
	for _, s := range srcs {
		for _, c := range s.certs {
			out = append(out, pinJSON{Subject: c.Subject.String(), Source: s.name, Pin: trust.PinOf(c).String()})
		}
	}
	if e.json {
		return e.printJSON(out)
	}
	for _, p := range out {
		e.outf("%s  %s\n", p.Pin, p.Subject)
	}
	return nil
}
