package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

type installOpts struct {
	store, root, method, home, name string
	nssdbs                          multiFlag
	dryRun                          bool
}

func (o *installOpts) define(fs *flag.FlagSet) {
	fs.StringVar(&o.store, "store", "system", "`STORES` to change: system, nss (Linux: NSS databases of Firefox/Chrome), user (Windows/macOS: the current user's store), all; comma-separated")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be done without doing it")
	fs.StringVar(&o.root, "root", "", "Linux: change the Debian-layout file system under `DIR` instead of / (for tests and images)")
	fs.StringVar(&o.method, "method", "", "Linux: force the system `METHOD`: debian, fedora or p11-kit (default: detect)")
	fs.Var(&o.nssdbs, "nssdb", "Linux: NSS database `DIR` to change (repeatable; default: discover under the home directory)")
	fs.StringVar(&o.home, "home", "", "Linux: home `DIR` searched for NSS databases (default: the user's)")
	fs.StringVar(&o.name, "name", "", "file name / nickname to use (default derived from the certificate)")
}

// options is what the backend's Install takes.
func (o *installOpts) options() trust.InstallOptions {
	var stores []string
	for _, s := range strings.Split(o.store, ",") {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			stores = append(stores, s)
		}
	}
	return trust.InstallOptions{Stores: stores, DryRun: o.dryRun, Root: o.root, Method: o.method,
		NSSDatabases: o.nssdbs, Home: o.home, Name: o.name}
}

func installCommand(name, verb string) *command {
	return &command{
		name:     name,
		synopsis: verb + " a CA certificate in the system store and NSS/user stores",
		usage:    "CERT.pem [--store system|nss|user|all] [--dry-run] [--root DIR] [--method METHOD] [--nssdb DIR]... [--json]",
		examples: "  nativetls " + name + " company-root.pem --dry-run\n  sudo nativetls " + name + " company-root.pem --store all\n  nativetls " + name + " test-ca.pem --store nss --nssdb ~/.pki/nssdb\n",
		define:   new(installOpts).define,
		run: func(e *env, args []string) error {
			return runInstall(e, args, name == "uninstall")
		},
	}
}

func init() {
	register(installCommand("install", "install (trust)"))
	register(installCommand("uninstall", "remove"))
}

// actionJSON is one step of an install or uninstall.
type actionJSON struct {
	Store string   `json:"store"`
	Op    string   `json:"op"`
	Path  string   `json:"path,omitempty"`
	Cmd   []string `json:"cmd,omitempty"`
	Text  string   `json:"text"`
}

type installResult struct {
	Certificate certJSON     `json:"certificate"`
	DryRun      bool         `json:"dry_run"`
	Uninstall   bool         `json:"uninstall"`
	Actions     []actionJSON `json:"actions"`
}

func runInstall(e *env, args []string, uninstall bool) error {
	var o installOpts
	file, err := e.parseOneArg(args, o.define, "certificate file")
	if err != nil {
		return err
	}
	cert, err := native.LoadCertificate(file)
	if err != nil {
		return inputErr(err)
	}
	if !cert.IsCA {
		return inputErr(errNotCA(file, cert.Subject.String()))
	}
	change := native.Backend().Install
	if uninstall {
		change = native.Backend().Uninstall
	}
	actions, err := change(cert, o.options())
	var ce *trust.ConfigurationError
	if errors.As(err, &ce) && ce.Field == "install stores" {
		return usagef("--store %q: %s", o.store, ce.Msg)
	} else if errors.As(err, &ce) {
		return usagef("%s", ce.Msg)
	}
	res := installResult{Certificate: describe(cert), DryRun: o.dryRun, Uninstall: uninstall, Actions: []actionJSON{}}
	for _, a := range actions {
		res.Actions = append(res.Actions, actionJSON{Store: a.Store, Op: a.Op, Path: a.Path, Cmd: a.Cmd, Text: a.String()})
	}
	printInstall(e, res, o.store, err)
	if err != nil {
		return &failError{err.Error()}
	}
	return nil
}

// printInstall prints the actions and, when they succeeded, what changed.
func printInstall(e *env, res installResult, store string, err error) {
	if e.json {
		_ = e.printJSON(res)
		return
	}
	verb := "installed"
	if res.Uninstall {
		verb = "removed"
	}
	if res.DryRun {
		verb = "would be " + verb
	}
	for _, a := range res.Actions {
		e.outf("%s\n", a.Text)
	}
	if err == nil {
		e.outf("%s %s (%s)\n", strings.TrimSpace(res.Certificate.Subject), verb, store)
	}
}
