package windows

import (
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// Install adds cert to the system certificate stores opts names and
// returns what it did:
//
//   - opts.Stores: "ROOT" (the default: a trusted root), "CA" (an
//     intermediate the chain engine may use) or "Disallowed" (distrusted:
//     every chain containing it is rejected), case-insensitive.
//   - opts.Scope: ScopeDefault and ScopeUser change the CurrentUser stores,
//     ScopeSystem the LocalMachine ones (an elevated process is needed,
//     else the error wraps ErrAccessDenied). On real Windows, adding to
//     CurrentUser ROOT shows a confirmation dialog (declining gives
//     ErrCancelled); LocalMachine shows none.
//   - opts.Name, if set, becomes the certificate's friendly name
//     (CERT_FRIENDLY_NAME_PROP_ID), as certmgr shows it; it must pass
//     trust.ValidateInstallName.
//   - opts.DryRun returns (and writes to opts.Stdout) the actions without
//     performing them.
//
// The Linux and macOS fields (Root, Method, NSSDatabases, Home, Keychain)
// are refused with a *trust.ConfigurationError. After each change the
// store is read back; a certificate that is not there makes the error wrap
// trust.ErrNotInstalled. Installing a certificate that is already there
// succeeds.
func Install(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	return change(cert, opts, true)
}

// Uninstall removes cert from the stores opts names (see Install), reads
// each back and fails with an error wrapping trust.ErrNotInstalled if it is
// still there. A certificate that is not in a store gives a *StoreError
// wrapping ErrNotFound.
func Uninstall(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	return change(cert, opts, false)
}

// installStep is one store change.
type installStep struct {
	loc   Location
	store string
}

func change(cert *x509.Certificate, opts trust.InstallOptions, install bool) ([]trust.InstallAction, error) {
	steps, actions, err := planInstall(cert, opts, install)
	if err != nil {
		return nil, err
	}
	out := opts.Stdout
	if out == nil {
		out = io.Discard
	}
	for i, st := range steps {
		if opts.DryRun {
			fmt.Fprintln(out, "dry run: "+actions[i].String())
			continue
		}
		if err := applyStep(cert, opts.Name, st, install); err != nil {
			return actions[:i], err
		}
		fmt.Fprintln(out, actions[i].String())
	}
	return actions, nil
}

// installStores maps the accepted store names to the system store names.
var installStores = map[string]string{"root": StoreRoot, "ca": StoreCA, "disallowed": StoreDisallowed}

// planInstall checks opts and lists the changes and their actions.
func planInstall(cert *x509.Certificate, opts trust.InstallOptions, install bool) ([]installStep, []trust.InstallAction, error) {
	if cert == nil {
		return nil, nil, errors.New("windows: no certificate given to install or uninstall")
	}
	if err := unusedInstallFields(opts); err != nil {
		return nil, nil, err
	}
	if err := trust.ValidateInstallName(opts.Name); err != nil {
		return nil, nil, &trust.ConfigurationError{Backend: backendName, Field: "Name", Msg: "not a plain name", Err: err}
	}
	loc := CurrentUser
	if opts.Scope == trust.ScopeSystem {
		loc = LocalMachine
	}
	names := opts.Stores
	if len(names) == 0 {
		names = []string{StoreRoot}
	}
	op := "add"
	if !install {
		op = "delete"
	}
	var steps []installStep
	var actions []trust.InstallAction
	for _, n := range names {
		store, ok := installStores[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			return nil, nil, &trust.ConfigurationError{Backend: backendName, Field: "Stores",
				Msg: fmt.Sprintf("unknown store %q: use ROOT, CA or Disallowed", n)}
		}
		steps = append(steps, installStep{loc: loc, store: store})
		actions = append(actions, trust.InstallAction{Store: loc.String() + `\` + store, Op: op,
			Detail: fmt.Sprintf("%s, SHA-1 thumbprint %X", cert.Subject, sha1.Sum(cert.Raw))})
	}
	return steps, actions, nil
}

// unusedInstallFields refuses the fields of other platforms.
func unusedInstallFields(o trust.InstallOptions) error {
	for _, f := range []struct {
		name string
		set  bool
	}{{"Root", o.Root != ""}, {"Method", o.Method != ""}, {"NSSDatabases", len(o.NSSDatabases) > 0}, {"Home", o.Home != ""}, {"Keychain", o.Keychain != ""}} {
		if f.set {
			return &trust.ConfigurationError{Backend: backendName, Field: f.name,
				Msg: "is not used on Windows; choose the stores with Stores and Scope"}
		}
	}
	return nil
}

// readBackError is the error for a store that, read back after the
// change, does not show what the change should have done.
func readBackError(cert *x509.Certificate, st installStep, install bool) error {
	what := "is not in"
	if !install {
		what = "is still in"
	}
	return &StoreError{Op: "verify the change of", Location: st.loc, Store: st.store, Subject: cert.Subject.String(),
		Err: fmt.Errorf("the certificate %s the store after the change reported success: %w", what, trust.ErrNotInstalled)}
}
