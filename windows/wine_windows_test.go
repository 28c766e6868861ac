package windows

import (
	"os"
	"testing"

	syswin "golang.org/x/sys/windows"
)

// underWine reports whether the test binary runs under Wine (ntdll exports
// wine_get_version there).
func underWine() bool {
	return syswin.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// requireScratchStores skips tests that write to the CurrentUser stores
// unless they run in a throwaway environment: under Wine with a fresh
// WINEPREFIX (ci/wine/run-tests.sh), or on a disposable Windows machine
// that opts in.
func requireScratchStores(t *testing.T) {
	t.Helper()
	if underWine() || os.Getenv("NATIVETLS_WINDOWS_STORE_TESTS") == "1" {
		return
	}
	t.Skip("this test writes to the CurrentUser certificate stores: run it with bash ci/wine/run-tests.sh, or set NATIVETLS_WINDOWS_STORE_TESTS=1 on a disposable Windows machine")
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
