package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// clientFlags are the flags of a command that connects to a server as a
// TLS client: the anchors that verify the server (--roots; the platform's
// store without it), the name verified (--host), --timeout, and the client
// identities it may send (--client-cert, repeatable, and --password for
// their keys).
type clientFlags struct {
	roots, host string
	timeout     time.Duration
	certs       multiFlag
	password    string
}

// define registers the flags; rootsUse and hostUse end the descriptions
// of --roots and --host, which say what they replace in each command.
func (o *clientFlags) define(fs *flag.FlagSet, rootsUse, hostUse string) {
	fs.StringVar(&o.roots, "roots", "", "trust only the anchors in `SPEC` (a PEM file, directory, pkcs11:..., system+FILE) "+rootsUse)
	fs.StringVar(&o.host, "host", "", "server `NAME` to send (SNI) and verify instead of "+hostUse)
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up after `DURATION`")
	fs.Var(&o.certs, "client-cert", "client identity `SOURCE` to choose from when the server asks (repeatable): a file, a directory, a pkcs11: token URI, capi:store=My or mackms:")
	fs.StringVar(&o.password, "password", "", "password or PIN `SOURCE` for the client keys: env:VAR, file:PATH, keychain:SERVICE/ACCOUNT or pass:TEXT")
}

// clientContext makes the native client context for cfg; a configuration
// it refuses is a failed check.
func clientContext(cfg trust.Configuration) (*native.ClientContext, error) {
	ctx, err := native.NewClientContext(cfg)
	if err != nil {
		return nil, &failError{humanMessage(err)}
	}
	return ctx, nil
}

// source returns the identity source the flags name; nil (and no error)
// when no --client-cert was given. def, when set, is used instead of
// nothing.
func (o *clientFlags) source(def []string) (*native.ClientIdentitySet, error) {
	specs := []string(o.certs)
	if len(specs) == 0 {
		specs = def
	}
	if len(specs) == 0 {
		return nil, nil
	}
	lopts, err := passwordOptions(o.password)
	if err != nil {
		return nil, err
	}
	src, err := native.ClientIdentities(specs, lopts...)
	if err != nil {
		return nil, inputErr(err)
	}
	return src, nil
}

// configure adds the flags' identities to cfg. They are listed now, so a
// source that cannot be read is an input error (exit 2) rather than a
// failed handshake; keys are still opened only for the identity chosen.
func (o *clientFlags) configure(cfg trust.Configuration) (trust.Configuration, error) {
	ids, err := o.list(nil)
	if err != nil || ids == nil {
		return cfg, err
	}
	return cfg.WithClientIdentities(ids), nil
}

// list lists the identities of the flags' sources (or def's); nil when
// there are none to list.
func (o *clientFlags) list(def []string) (listedIdentities, error) {
	src, err := o.source(def)
	if err != nil || src == nil {
		return nil, err
	}
	ids, err := src.ClientIdentities()
	if err != nil {
		return nil, inputErr(err)
	}
	return listedIdentities(ids), nil
}

// listedIdentities is a trust.ClientIdentitySource of identities already
// listed.
type listedIdentities []trust.ClientIdentity

func (l listedIdentities) ClientIdentities() ([]trust.ClientIdentity, error) { return l, nil }

// naturalClientStore is this platform's own store of client identities,
// the default source of `identities`: Windows' CurrentUser MY store and
// the macOS keychain. Other platforms have none.
func naturalClientStore() ([]string, error) {
	switch runtime.GOOS {
	case "windows":
		return []string{"capi:store=My"}, nil
	case "darwin":
		return []string{"mackms:"}, nil
	}
	return nil, usagef("%s has no system store of client certificates: name one with --client-cert (a file, directory or pkcs11: token URI)", runtime.GOOS)
}

// clientIdentityFailure returns the reason no client certificate was sent
// on conn (nil when one was or none was asked for).
func clientIdentityFailure(conn *native.Conn) error {
	var nf *trust.NoClientIdentityError
	if err := conn.ClientIdentityError(); errors.As(err, &nf) {
		return nf
	}
	return nil
}

// withClientIDReason adds to a request's error why no client certificate
// was sent (why, from the connection), unless err already says it. A TLS
// 1.3 server's rejection arrives after the handshake, on a read by code
// that holds only the inner *tls.Conn, so the library cannot add it there.
func withClientIDReason(err, why error) error {
	var nf *trust.NoClientIdentityError
	if why == nil || errors.As(err, &nf) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%w (%w)", err, why)
}
