package main

import (
	"context"
	"errors"
	"flag"
	"net"

	"github.com/nativetls/nativetls/trust"
)

type identitiesOpts struct {
	target string
	clientFlags
}

func (o *identitiesOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.target, "for", "", "the server, `HOST:PORT`, whose certificate request to answer")
	o.clientFlags.define(fs, "to verify the server", "HOST")
}

func init() {
	register(&command{
		name:     "identities",
		synopsis: "show which client certificate a server would get: its acceptable CAs and schemes, every candidate and why it fits or not",
		usage:    "--for HOST:PORT [--client-cert SOURCE]... [--roots SPEC] [--host NAME] [--password SOURCE] [--timeout DURATION] [--json]",
		examples: `  nativetls identities --for mtls.example:443 --client-cert ~/certs/
  nativetls identities --for 127.0.0.1:8443 --roots ca.pem --host localhost --client-cert client.p12 --password env:P12_PASSWORD
  nativetls identities --for vpn.example:443 --client-cert 'pkcs11:token=PIV?module-path=/usr/lib/opensc-pkcs11.so' --json
  nativetls identities --for intranet.example:443   # Windows: capi:store=My, macOS: the keychain
Exit 0 when an identity would be sent (or the server asks for none), 1 when none fits.
`,
		define: new(identitiesOpts).define,
		run:    runIdentities,
	})
}

func runIdentities(e *env, args []string) error {
	var o identitiesOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	if o.target == "" {
		return usagef("give --for HOST:PORT")
	}
	host, _, err := net.SplitHostPort(o.target)
	if err != nil {
		return usagef("--for %q: %v", o.target, err)
	}
	if o.host != "" {
		host = o.host
	}
	def, err := o.defaultSource()
	if err != nil {
		return err
	}
	ids, err := o.list(def)
	if err != nil {
		return err
	}
	seen, err := o.inspect(host, ids)
	if err != nil {
		return err
	}
	rep := decideIdentities(o.target, seen, ids)
	printIdentities(e, rep)
	if rep.CertificateRequested && rep.Chosen == nil {
		return errSilentFail
	}
	return nil
}

// defaultSource is the platform's store when no --client-cert is given.
func (o *identitiesOpts) defaultSource() ([]string, error) {
	if len(o.certs) > 0 {
		return nil, nil
	}
	return naturalClientStore()
}

// requestSeen is what the server asked for and how the library ranked the
// identities against it, as the selection callback saw it.
type requestSeen struct {
	asked   bool
	req     trust.ClientCertificateRequest
	fit     []trust.ClientIdentity
	skipped []trust.SkippedIdentity
}

// errInspected ends the handshake once the request has been seen: nothing
// is sent and no key is opened during it.
var errInspected = errors.New("nativetls: the certificate request was inspected; no certificate sent")

// inspect connects to the server, verifies it, and records its certificate
// request through the selection callback, which then ends the handshake.
func (o *identitiesOpts) inspect(host string, ids listedIdentities) (*requestSeen, error) {
	var seen requestSeen
	cfg := trust.DefaultConfiguration().WithClientIdentities(ids).WithClientIdentitySelector(
		func(req trust.ClientCertificateRequest, fit []trust.ClientIdentity, skipped []trust.SkippedIdentity) (int, error) {
			seen = requestSeen{asked: true, req: req, fit: fit, skipped: skipped}
			return -1, errInspected
		})
	cfg, err := withAnchors(cfg, o.roots)
	if err != nil {
		return nil, err
	}
	cctx, err := clientContext(cfg)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(dctx, "tcp", o.target)
	if err != nil {
		return nil, &failError{err.Error()}
	}
	defer raw.Close()
	conn, err := cctx.WrapConn(raw, host)
	if err == nil {
		err = conn.HandshakeContext(dctx)
	}
	if err != nil && !seen.asked {
		return nil, &failError{o.target + ": " + humanMessage(err)}
	}
	return &seen, nil
}
