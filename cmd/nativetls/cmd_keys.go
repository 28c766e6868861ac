package main

import (
	"flag"
	"fmt"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type keysOpts struct{ module, uri, pin string }

func (o *keysOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.module, "module", "", "PKCS#11 module `PATH` (default: p11-kit-proxy.so, which loads every registered module)")
	fs.StringVar(&o.uri, "uri", "", "list the objects of the token(s) a pkcs11: `URI` selects (private keys need a PIN: pin-source=... or --pin)")
	fs.StringVar(&o.pin, "pin", "", "PIN `SOURCE` for --uri: env:VAR, file:PATH, keychain:SERVICE/ACCOUNT or pass:TEXT")
}

func init() {
	register(&command{
		name:     "keys",
		synopsis: "list PKCS#11 tokens and objects, Windows MY identities and keychain identities",
		usage:    "[--module PATH] [--uri pkcs11:...] [--pin SOURCE] [--json]",
		examples: `  nativetls keys
  nativetls keys --module /usr/lib/softhsm/libsofthsm2.so
  nativetls keys --uri 'pkcs11:token=web?module-path=/usr/lib/softhsm/libsofthsm2.so' --pin env:TOKEN_PIN
`,
		define: new(keysOpts).define,
		run:    runKeys,
	})
}

type tokenJSON struct {
	Slot              uint   `json:"slot"`
	Label             string `json:"label"`
	Manufacturer      string `json:"manufacturer"`
	Model             string `json:"model"`
	Serial            string `json:"serial"`
	URI               string `json:"uri"`
	Objects           int    `json:"objects"`
	HiddenPrivateKeys int    `json:"hidden_private_keys"`
}

type objectJSON struct {
	Type    string `json:"type"`
	Label   string `json:"label"`
	ID      string `json:"id,omitempty"`
	KeyType string `json:"key_type,omitempty"`
	URI     string `json:"uri"`
}

// searchedJSON is one place keys looked in.
type searchedJSON struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Error string `json:"error,omitempty"`
}

type keysJSON struct {
	Module            string         `json:"module,omitempty"`
	Searched          []searchedJSON `json:"searched"`
	Tokens            []tokenJSON    `json:"tokens,omitempty"`
	Objects           []objectJSON   `json:"objects,omitempty"`
	Platform          []storeKeys    `json:"platform_stores"`
	HiddenPrivateKeys int            `json:"hidden_private_keys"`
	Found             int            `json:"found"`
}

// storeKeys reports the identities of an OS key store (or why it cannot).
type storeKeys struct {
	Store      string       `json:"store"`
	Identities []objectJSON `json:"identities,omitempty"`
	Skipped    string       `json:"skipped,omitempty"`
}

func runKeys(e *env, args []string) error {
	var o keysOpts
	if err := e.parseNoArgs(args, o.define); err != nil {
		return err
	}
	req := trust.KeyListOptions{Module: o.module, URI: o.uri}
	if o.pin != "" {
		if o.uri == "" {
			return usagef("--pin needs --uri: a PIN opens one token (list the tokens first, then give --uri with one of their URIs)")
		}
		pw, err := native.PasswordSource(o.pin)
		if err != nil {
			return usagef("--pin: %v", err)
		}
		req.PIN = pw
	}
	stores, err := native.Backend().Keys(req)
	if err != nil {
		return inputErr(native.RedactError(err, o.uri))
	}
	out := keysReport(o.module, stores)
	if e.json {
		return e.printJSON(out)
	}
	printKeys(e, out, o)
	return nil
}

// keysReport turns the stores the backend searched into the report.
func keysReport(module string, stores []trust.KeyStore) keysJSON {
	out := keysJSON{Module: module, Platform: []storeKeys{}}
	for _, s := range stores {
		sj := searchedJSON{Name: s.Name, Kind: s.Kind}
		if s.Err != nil {
			sj.Error = s.Err.Error()
		}
		out.Searched = append(out.Searched, sj)
		out.HiddenPrivateKeys += s.HiddenPrivateKeys
		for _, t := range s.Tokens {
			out.Tokens = append(out.Tokens, tokenJSON{Slot: t.Slot, Label: t.Label, Manufacturer: t.Manufacturer, Model: t.Model,
				Serial: t.Serial, URI: t.URI, Objects: t.Objects, HiddenPrivateKeys: t.HiddenPrivateKeys})
		}
		objs := make([]objectJSON, 0, len(s.Objects))
		for _, ob := range s.Objects {
			objs = append(objs, objectJSON{Type: ob.Type, Label: ob.Label, ID: fmt.Sprintf("%x", ob.ID), KeyType: ob.KeyType, URI: ob.URI})
		}
		switch {
		case s.Kind == "pkcs11-token":
			out.Objects = append(out.Objects, objs...)
		case s.Kind == "os-store":
			out.Platform = append(out.Platform, storeKeys{Store: s.Name, Identities: objs, Skipped: sj.Error})
		case s.Err != nil: // a module that could not be asked
			out.Platform = append(out.Platform, storeKeys{Store: s.Name, Skipped: sj.Error})
		}
		out.Found += len(s.Tokens) + len(objs)
	}
	if out.Searched == nil {
		out.Searched = []searchedJSON{}
	}
	return out
}

// printKeys prints what was found, what was searched, and what is hidden.
func printKeys(e *env, r keysJSON, o keysOpts) {
	for _, t := range r.Tokens {
		e.outf("token %q (slot %d): %s %s, serial %s\n    %s\n", t.Label, t.Slot, t.Manufacturer, t.Model, t.Serial, t.URI)
		if t.Objects >= 0 {
			e.outf("    %s visible without a PIN", count(t.Objects, "object", ""))
			if t.HiddenPrivateKeys > 0 {
				e.outf("; %s hidden until a login", count(t.HiddenPrivateKeys, "private key", ""))
			}
			e.outf("\n")
		}
	}
	for _, ob := range r.Objects {
		kt := ""
		if ob.KeyType != "" {
			kt = " " + ob.KeyType
		}
		e.outf("%s%s %q id=%s\n    %s\n", ob.Type, kt, ob.Label, ob.ID, ob.URI)
	}
	for _, p := range r.Platform {
		for _, id := range p.Identities {
			e.outf("%s: %q\n    %s\n", p.Store, id.Label, id.URI)
		}
	}
	printSearched(e, r, o)
}

// printSearched ends the listing with where keys looked and what it found.
func printSearched(e *env, r keysJSON, o keysOpts) {
	e.outf("searched:\n")
	for _, s := range r.Searched {
		if s.Error != "" {
			e.outf("  - %s: could not be searched: %s\n", s.Name, s.Error)
		} else {
			e.outf("  - %s\n", s.Name)
		}
	}
	switch {
	case r.Found == 0 && o.uri != "":
		e.outf("found no objects matching the URI\n")
	case r.Found == 0:
		e.outf("found no tokens and no identities\n")
	case o.uri != "":
		e.outf("found %s\n", count(len(r.Objects), "object", ""))
	default:
		e.outf("found %s and %s\n", count(len(r.Tokens), "token", ""), count(r.Found-len(r.Tokens), "identity", "identities"))
	}
	if r.HiddenPrivateKeys > 0 {
		uri := o.uri
		if uri == "" {
			uri = hiddenTokenURI(r.Tokens)
		}
		e.outf("%s not listed: tokens show private keys only after a login; to see them run\n    nativetls keys --uri '%s' --pin env:TOKEN_PIN   (or file:PATH)\n",
			count(r.HiddenPrivateKeys, "private key", ""), uri)
	}
}

// hiddenTokenURI is the URI to give --uri to see the hidden keys: the one
// token hiding some, or a placeholder when several do.
func hiddenTokenURI(tokens []tokenJSON) string {
	uri := ""
	for _, t := range tokens {
		if t.HiddenPrivateKeys > 0 {
			if uri != "" {
				return "TOKEN-URI (one of the URIs above)"
			}
			uri = t.URI
		}
	}
	return uri
}
