#!/usr/bin/env bash
# run-tests.sh: runs the tests of the Windows backend and of the packages
# that use it for real under Wine, in one fresh prefix.
#
#   bash ci/wine/run-tests.sh [extra test flags for every package, e.g. -test.run Verify]
#   WINE_PKGS="windows" bash ci/wine/run-tests.sh   # only some packages
#
# Steps: build the ProcessPrng shim (processprng.c) with mingw-w64; cross-
# compile (GOOS=windows CGO_ENABLED=0) the test binaries of ./windows/,
# ./native/, ./trust/ and ./cmd/nativetls/ plus the nativetls.exe those
# CLI tests run (NATIVETLS_TEST_BINARY: there is no Go toolchain under
# Wine); create a fresh WINEPREFIX in a temp dir with one wineboot (no X
# display, WINEDEBUG=-all); copy the shim to its system32 as
# bcryptprimitives.dll (Wine 8 has no builtin of that name; the
# native-then-builtin override keeps that true if a later Wine adds one);
# run each test binary under wine with -test.v from its package directory
# (testdata paths). Prints one "wine: PKG: ..." line per package, the
# distinct wine gaps, then one summary line; exits non-zero on failure.
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
# cleanup must not change the verdict: the exit status is the tests'.
# wineserver -k returns before the server has finished writing the prefix,
# so wait for it (-w) and retry the removal once.
cleanup() {
	local rc=$? ws
	ws="$(dirname "$wine")/wineserver"
	[ -x "$ws" ] || ws=wineserver
	WINEPREFIX="$WINEPREFIX" "$ws" -k >/dev/null 2>&1 || true
	WINEPREFIX="$WINEPREFIX" timeout 30 "$ws" -w >/dev/null 2>&1 || true
	rm -rf "$work" 2>/dev/null || { sleep 2; rm -rf "$work" 2>/dev/null; } ||
		echo "wine: note: could not remove $work" >&2
	exit "$rc"
}
trap cleanup EXIT

"$here/build-shim.sh" "$work/bcryptprimitives.dll"

# Package directory and test binary name, in run order.
read -r -a pkgs <<<"${WINE_PKGS:-windows native trust cmd/nativetls pkcs11 internal/p11raw}"
# The test PKCS#11 module as a Windows DLL, loaded by the pkcs11 and CLI
# tests through the cgo-free binding.
"$here/build-p11module.sh" "$work/p11test.dll"
export NATIVETLS_P11_TEST_MODULE="Z:${work//\//\\}\\p11test.dll"
for p in "${pkgs[@]}"; do
	(cd "$root" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/${p##*/}.test.exe" "./$p/") || {
		echo "wine: FAIL: cannot build the windows/amd64 test binary of ./$p/ (see above)" >&2
		exit 1
	}
done
(cd "$root" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/nativetls.exe" ./cmd/nativetls/) || {
	echo "wine: FAIL: cannot build nativetls.exe for windows/amd64 (see above)" >&2
	exit 1
}

"$wine" wineboot -i >"$work/wineboot.log" 2>&1 || {
	echo "wine: FAIL: wineboot -i failed:" >&2
	cat "$work/wineboot.log" >&2
	exit 1
}
wineserver -w >/dev/null 2>&1 || true
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"

# Wine maps the Unix root to drive Z:.
export NATIVETLS_TEST_BINARY="Z:${work//\//\\}\\nativetls.exe"

failed=()
tpass=0 tskip=0 tfail=0
for p in "${pkgs[@]}"; do
	log="$work/${p##*/}.log"
	pstart=$(date +%s)
	set +e
	echo "wine: === $p"
	(cd "$root/$p" && timeout 300 "$wine" "$work/${p##*/}.test.exe" -test.v -test.timeout 4m "$@") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	pass=$(grep -c -- '^--- PASS' "$log" || true)
	fail=$(grep -c -- '^--- FAIL' "$log" || true)
	skip=$(grep -c -- '^--- SKIP' "$log" || true)
	tpass=$((tpass + pass)) tskip=$((tskip + skip)) tfail=$((tfail + fail))
	verdict=PASS
	if [ "$rc" -ne 0 ] || ! grep -q '^PASS$' "$log"; then
		verdict="FAIL (exit $rc)"
		failed+=("$p")
	fi
	echo "wine: $p: $verdict: $pass passed, $skip skipped, $fail failed (top-level tests), $(( $(date +%s) - pstart ))s"
	# Each skipped test (subtests too) with the last line it logged: the reason.
	awk -v p="$p" '/^ +[^ ]+_test\.go:[0-9]+: / { sub(/^ +/, ""); last = $0 }
		/^ *--- SKIP: / { name = $3; print "wine: " p ": skip " name ": " last }' "$log"
	grep -E -- '^ *--- FAIL: ' "$log" | sed -E "s|^ *--- FAIL: |wine: $p: FAIL |" || true
done

cat "$work"/*.log | grep -o 'wine gap: .*' | sort -u >"$work/gaps" || true
gaps=$(wc -l <"$work/gaps")
sed 's/^/wine: /' "$work/gaps"
secs=$(( $(date +%s) - start ))
pkglist="${pkgs[*]}"
if [ ${#failed[@]} -eq 0 ]; then
	echo "wine: PASS ${pkglist// /, } tests under $("$wine" --version 2>/dev/null): $tpass passed, $tskip skipped, $tfail failed, $gaps distinct wine gaps, ${secs}s"
	exit 0
fi
echo "wine: FAIL ${failed[*]} (of ${pkglist// /, }): $tpass passed, $tskip skipped, $tfail failed, $gaps distinct wine gaps, ${secs}s" >&2
exit 1
