package windows

import (
	"crypto/x509"
	"os"
	"testing"

	syswin "golang.org/x/sys/windows"

	"github.com/nativetls/nativetls/trust"
)

// underWine reports whether the test binary runs under Wine (ntdll exports
// wine_get_version there).
func underWine() bool {
	return syswin.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// scratchLocation is where the tests write certificates, or why they must
// not: the LocalMachine stores when the process is elevated (hosted CI
// runners are), else the CurrentUser stores, but those only under Wine:
// on real Windows adding to CurrentUser ROOT shows a confirmation dialog,
// which hangs CI. Real Windows also needs the opt-in
// NATIVETLS_WINDOWS_STORE_TESTS=1 (a disposable machine).
func scratchLocation() (Location, string) {
	elevated := syswin.GetCurrentProcessToken().IsElevated()
	switch {
	case elevated && (underWine() || os.Getenv("NATIVETLS_WINDOWS_STORE_TESTS") == "1"):
		return LocalMachine, ""
	case underWine():
		return CurrentUser, ""
	case os.Getenv("NATIVETLS_WINDOWS_STORE_TESTS") != "1":
		return 0, "this test writes to the system certificate stores: run it with bash ci/wine/run-tests.sh, or set NATIVETLS_WINDOWS_STORE_TESTS=1 in an elevated process on a disposable Windows machine"
	}
	return 0, "NATIVETLS_WINDOWS_STORE_TESTS=1 but the process is not elevated: the tests write the LocalMachine stores (CurrentUser ROOT would show a confirmation dialog)"
}

// requireScratchStores skips tests that write to the system stores unless
// they may (scratchLocation) and returns the location to write.
func requireScratchStores(t *testing.T) Location {
	t.Helper()
	loc, why := scratchLocation()
	if why != "" {
		t.Skip(why)
	}
	return loc
}

// scopeOf is the install scope of a location.
func scopeOf(loc Location) trust.InstallScope {
	if loc == LocalMachine {
		return trust.ScopeSystem
	}
	return trust.ScopeUser
}

// installIn adds cert to one store of loc with Install.
func installIn(loc Location, store string, cert *x509.Certificate) error {
	_, err := Install(cert, trust.InstallOptions{Stores: []string{store}, Scope: scopeOf(loc)})
	return err
}

// uninstallFrom removes cert from one store of loc with Uninstall.
func uninstallFrom(loc Location, store string, cert *x509.Certificate) error {
	_, err := Uninstall(cert, trust.InstallOptions{Stores: []string{store}, Scope: scopeOf(loc)})
	return err
}

// wineGap reports (and logs as "wine gap: <API> returned <code>") an API
// failing with a not-implemented status under Wine; the caller then skips
// only the part that needs it. On real Windows it never excuses a failure.
func wineGap(t *testing.T, api string, err error) bool {
	t.Helper()
	if err == nil || !underWine() {
		return false
	}
	code := errCode(err)
	if !notImplemented(code) {
		return false
	}
	t.Logf("wine gap: %s returned %s", api, codeName(code))
	return true
}

// wineGapIf logs "wine gap: <API> returned <what>" and reports true when
// cond holds under Wine: for Wine behaviours that are not a
// not-implemented status (a stub that returns NULL without an error, a flag
// silently ignored).
func wineGapIf(t *testing.T, cond bool, api, what string) bool {
	t.Helper()
	if !cond || !underWine() {
		return false
	}
	t.Logf("wine gap: %s returned %s", api, what)
	return true
}
