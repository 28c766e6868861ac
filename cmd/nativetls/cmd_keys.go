package main

import (
	"flag"
	"fmt"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/pkcs11"
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
		run: runKeys,
	})
	flagSetups["keys"] = func(fs *flag.FlagSet) { new(keysOpts).define(fs) }
}

type tokenJSON struct {
	Slot         uint   `json:"slot"`
	Label        string `json:"label"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Serial       string `json:"serial"`
}

type objectJSON struct {
	Type    string `json:"type"`
	Label   string `json:"label"`
	ID      string `json:"id,omitempty"`
	KeyType string `json:"key_type,omitempty"`
	URI     string `json:"uri"`
}

type keysJSON struct {
	Module   string       `json:"module,omitempty"`
	Tokens   []tokenJSON  `json:"tokens,omitempty"`
	Objects  []objectJSON `json:"objects,omitempty"`
	Platform []storeKeys  `json:"platform_stores"`
}

// storeKeys reports the identities of an OS key store (or why it cannot).
type storeKeys struct {
	Store      string       `json:"store"`
	Identities []objectJSON `json:"identities,omitempty"`
	Skipped    string       `json:"skipped,omitempty"`
}

func runKeys(e *env, args []string) error {
	var o keysOpts
	fs := e.cmd.flags(o.define)
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	out := keysJSON{Module: o.module}
	if o.uri != "" {
		opts := &pkcs11.Options{ModulePath: o.module}
		if o.pin != "" {
			pin, err := pinCallback(o.pin)
			if err != nil {
				return usagef("--pin: %v", err)
			}
			opts.PIN = pin
		}
		objs, err := pkcs11.ListObjects(o.uri, opts)
		if err != nil {
			return inputErr(native.RedactError(err, o.uri))
		}
		for _, ob := range objs {
			out.Objects = append(out.Objects, objectJSON{Type: ob.Type, Label: ob.Label, ID: fmt.Sprintf("%x", ob.ID), KeyType: ob.KeyType, URI: ob.URI})
		}
	} else {
		slots, err := pkcs11.Tokens(o.module)
		if err != nil {
			if o.module != "" {
				return inputErr(err)
			}
			out.Platform = append(out.Platform, storeKeys{Store: "pkcs11 (p11-kit proxy)", Skipped: err.Error()})
		}
		for _, s := range slots {
			if s.Token == nil || s.Token.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0 {
				continue // empty slot, or a token nobody initialized yet
			}
			out.Tokens = append(out.Tokens, tokenJSON{Slot: s.ID, Label: s.Token.Label, Manufacturer: s.Token.Manufacturer, Model: s.Token.Model, Serial: s.Token.Serial})
		}
		out.Platform = append(out.Platform, platformIdentities()...)
	}
	if out.Platform == nil {
		out.Platform = []storeKeys{}
	}
	if e.json {
		return e.printJSON(out)
	}
	for _, t := range out.Tokens {
		e.outf("token %q (slot %d): %s %s, serial %s\n    pkcs11:token=%s\n", t.Label, t.Slot, t.Manufacturer, t.Model, t.Serial, pkcs11Escape(t.Label))
	}
	for _, ob := range out.Objects {
		kt := ""
		if ob.KeyType != "" {
			kt = " " + ob.KeyType
		}
		e.outf("%s%s %q id=%s\n    %s\n", ob.Type, kt, ob.Label, ob.ID, ob.URI)
	}
	for _, p := range out.Platform {
		if p.Skipped != "" {
			e.outf("%s: skipped: %s\n", p.Store, p.Skipped)
			continue
		}
		for _, id := range p.Identities {
			e.outf("%s: %q\n    %s\n", p.Store, id.Label, id.URI)
		}
	}
	return nil
}

// pkcs11Escape percent-encodes what a pkcs11: path attribute value cannot
// hold literally.
func pkcs11Escape(s string) string {
	const ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:[]@!$'()*+,="
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if indexByte(ok, c) >= 0 {
			out = append(out, c)
		} else {
			out = append(out, fmt.Sprintf("%%%02X", c)...)
		}
	}
	return string(out)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
