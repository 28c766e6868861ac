package darwin

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/nativetls/nativetls/trust"
)

// systemKeychain is where certificates trusted in the admin domain live
// (what `security add-trusted-cert -d` uses).
const systemKeychain = "/Library/Keychains/System.keychain"

// settingSpec is one usage-constraints entry that Install writes.
type settingSpec struct {
	Policy policyKind
	Result trustResult
}

// installSettings decides the trust settings Install writes for cert:
// trusted for TLS server authentication and for the basic X.509 policy,
// as a root (TrustRoot) when Apple considers it self-signed (isSelfSigned),
// else as an anchor (TrustAsRoot): trustd ignores TrustRoot on a
// certificate that is not self-signed and TrustAsRoot on one that is
// (trust/trustd/SecPolicyServer.c, SecPVCIsAnchorPerConstraints).
func installSettings(cert *x509.Certificate) []settingSpec {
	r := resultTrustAsRoot
	if isSelfSigned(cert) {
		r = resultTrustRoot
	}
	return []settingSpec{{policySSLServer, r}, {policyBasic, r}}
}

// checkInstallable refuses certificates that should not become anchors.
func checkInstallable(cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("darwin: no certificate given")
	}
	if (cert.BasicConstraintsValid && cert.IsCA) || isSelfSigned(cert) {
		return nil
	}
	return ErrNotCA
}

// installPlan is what Install or Uninstall will change.
type installPlan struct {
	domain   Domain
	keychain string // "" for the default keychain
	label    string // kSecAttrLabel of the certificate item; "" for the default
	actions  []trust.InstallAction
}

// planInstall validates opts and decides the domain, keychain and actions.
// macOS uses Scope (ScopeDefault and ScopeUser: the user trust-settings
// domain; ScopeSystem: the admin domain and the System keychain), Keychain,
// Name (the keychain item's label), DryRun and Stdout; any other field is
// a *trust.ConfigurationError.
func planInstall(cert *x509.Certificate, opts trust.InstallOptions, uninstall bool) (installPlan, error) {
	if err := checkInstallFields(opts); err != nil {
		return installPlan{}, err
	}
	p := installPlan{domain: DomainUser, keychain: opts.Keychain, label: opts.Name}
	switch opts.Scope {
	case trust.ScopeDefault, trust.ScopeUser:
	case trust.ScopeSystem:
		p.domain = DomainAdmin
		if p.keychain == "" {
			p.keychain = systemKeychain
		}
	default:
		return installPlan{}, configErr("Scope", fmt.Sprintf("unknown scope %d: use trust.ScopeUser or trust.ScopeSystem", int(opts.Scope)))
	}
	kc := "default keychain"
	if p.keychain != "" {
		kc = "keychain " + p.keychain
	}
	ts := p.domain.String() + " trust settings"
	if uninstall {
		p.actions = []trust.InstallAction{
			{Store: ts, Op: "delete", Detail: "remove the certificate's trust settings"},
			{Store: kc, Op: "remove", Detail: "delete the certificate item"},
		}
		return p, nil
	}
	r := installSettings(cert)[0].Result
	p.actions = []trust.InstallAction{
		{Store: kc, Op: "add", Detail: "certificate item " + certLabel(cert)},
		{Store: ts, Op: "set-trust", Detail: r.String() + " for sslServer and basicX509"},
	}
	return p, nil
}

// checkInstallFields refuses the InstallOptions fields macOS does not use
// and an invalid Name.
func checkInstallFields(opts trust.InstallOptions) error {
	unused := []struct {
		name string
		set  bool
	}{
		{"Stores", len(opts.Stores) > 0},
		{"Root", opts.Root != ""},
		{"Method", opts.Method != ""},
		{"NSSDatabases", len(opts.NSSDatabases) > 0},
		{"Home", opts.Home != ""},
	}
	for _, u := range unused {
		if u.set {
			return configErr(u.name, "not used on macOS; choose the trust-settings domain with Scope and the keychain file with Keychain")
		}
	}
	if err := trust.ValidateInstallName(opts.Name); err != nil {
		return &trust.ConfigurationError{Backend: backendName, Field: "Name", Msg: "not a valid keychain item label", Err: err}
	}
	return nil
}

func configErr(field, msg string) error {
	return &trust.ConfigurationError{Backend: backendName, Field: "InstallOptions." + field, Msg: msg}
}

// writePlan prints the actions, one a line, to w (nil: nowhere).
func writePlan(w io.Writer, actions []trust.InstallAction) {
	if w == nil {
		return
	}
	for _, a := range actions {
		fmt.Fprintln(w, a.String())
	}
}

// Install adds cert to a keychain (if it is not there yet) and trusts it
// for TLS servers and basic X.509 in a trust-settings domain
// (SecTrustSettingsSetTrustSettings), as Keychain Access's "Always Trust"
// does, then reads the trust settings back: an install macOS does not show
// as an anchor fails with an error matching trust.ErrNotInstalled.
//
// opts.Scope picks the domain: the user's (ScopeDefault, ScopeUser; macOS
// asks the user to confirm with their password, and without a GUI session
// the error matches ErrInteractionNotAllowed) or the admin domain
// (ScopeSystem; run as root, certificate in the System keychain unless
// opts.Keychain names another). opts.Name labels the keychain item. With
// opts.DryRun nothing changes. It returns the actions taken (or planned);
// errors are *InstallError or *trust.ConfigurationError values.
func Install(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	if err := checkInstallable(cert); err != nil {
		return nil, &InstallError{Op: "install", Certificate: cert, Err: err}
	}
	return applyPlan("install", cert, opts, func(p installPlan) error {
		return install(cert.Raw, installSettings(cert), p)
	})
}

// Uninstall removes cert's trust settings in the domain opts.Scope names
// (SecTrustSettingsRemoveTrustSettings) and deletes the certificate from
// the keychain, then reads the trust settings back: settings still there
// give an error matching trust.ErrNotInstalled. A certificate that had no
// settings in the domain gives an error matching ErrNotFound. Options are
// as for Install.
func Uninstall(cert *x509.Certificate, opts trust.InstallOptions) ([]trust.InstallAction, error) {
	if cert == nil {
		return nil, &InstallError{Op: "uninstall", Err: errors.New("darwin: no certificate given")}
	}
	return applyPlan("uninstall", cert, opts, func(p installPlan) error { return uninstall(cert.Raw, p) })
}

// applyPlan plans op ("install" or "uninstall") on cert and, unless opts
// asks for a dry run, makes the change and reads the trust settings back.
func applyPlan(op string, cert *x509.Certificate, opts trust.InstallOptions, change func(installPlan) error) ([]trust.InstallAction, error) {
	remove := op == "uninstall"
	p, err := planInstall(cert, opts, remove)
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		writePlan(opts.Stdout, p.actions)
		return p.actions, nil
	}
	if err := change(p); err != nil {
		return p.actions, &InstallError{Op: op, Domain: p.domain, Certificate: cert, Err: err}
	}
	if err := readBack(cert, p.domain, remove); err != nil {
		return p.actions, &InstallError{Op: op, Domain: p.domain, Certificate: cert, Err: err}
	}
	return p.actions, nil
}

// readBack reads every domain's trust settings again, with the loader
// Anchors uses, and checks the change is visible (checkReadBack).
func readBack(cert *x509.Certificate, d Domain, uninstalled bool) error {
	certs, _, err := readTrustSettings()
	if err != nil {
		return fmt.Errorf("reading the trust settings back: %w", err)
	}
	return checkReadBack(certs, cert, d, currentPrecedence(), uninstalled)
}
