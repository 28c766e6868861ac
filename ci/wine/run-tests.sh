#!/usr/bin/env bash
# run-tests.sh: runs the windows package's tests for real under Wine.
#
#   bash ci/wine/run-tests.sh [extra go test flags, e.g. -test.run Verify]
#
# Steps: build the ProcessPrng shim (processprng.c) with mingw-w64; create
# a fresh WINEPREFIX in a temp dir (no X display, WINEDEBUG=-all); copy the
# shim to its system32 as bcryptprimitives.dll (Wine 8 has no builtin of
# that name; the native-then-builtin override keeps that true if a later
# Wine adds one); cross-compile the package's test binary with
# GOOS=windows CGO_ENABLED=0; run it under wine with -test.v. Prints one
# summary line; exits non-zero on failure.
#
# Needs: apt-get install wine64 gcc-mingw-w64-x86-64 (Debian 12: Wine 8).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
start=$(date +%s)

wine=""
for w in wine64 /usr/lib/wine/wine64 wine; do
	if command -v "$w" >/dev/null 2>&1; then wine=$(command -v "$w"); break; fi
done
if [ -z "$wine" ]; then
	echo "wine: FAIL: wine64 not found: apt-get install wine64" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nativetls-wine.XXXXXX")
export WINEPREFIX="$work/prefix"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree=;mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
	WINEPREFIX="$WINEPREFIX" wineserver -k >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

"$here/build-shim.sh" "$work/bcryptprimitives.dll"

(cd "$root" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/windows.test.exe" ./windows/)

"$wine" wineboot -i >"$work/wineboot.log" 2>&1 || {
	echo "wine: FAIL: wineboot -i failed:" >&2
	cat "$work/wineboot.log" >&2
	exit 1
}
wineserver -w >/dev/null 2>&1 || true
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"

set +e
(cd "$root/windows" && timeout 600 "$wine" "$work/windows.test.exe" -test.v -test.timeout 8m "$@") 2>&1 | tee "$work/test.log"
rc=${PIPESTATUS[0]}
set -e

pass=$(grep -c -- '^--- PASS' "$work/test.log" || true)
fail=$(grep -c -- '^--- FAIL' "$work/test.log" || true)
skip=$(grep -c -- '^--- SKIP' "$work/test.log" || true)
gaps=$(grep -o 'wine gap: .*' "$work/test.log" | sort -u | wc -l)
secs=$(( $(date +%s) - start ))
grep -o 'wine gap: .*' "$work/test.log" | sort -u | sed 's/^/wine: /' || true
if [ "$rc" -eq 0 ] && grep -q '^PASS$' "$work/test.log"; then
	echo "wine: PASS windows tests under $("$wine" --version 2>/dev/null): $pass passed, $skip skipped, $fail failed, $gaps distinct wine gaps, ${secs}s"
	exit 0
fi
echo "wine: FAIL windows tests (exit $rc): $pass passed, $skip skipped, $fail failed, $gaps distinct wine gaps, ${secs}s" >&2
exit 1
