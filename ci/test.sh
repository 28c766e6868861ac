#!/usr/bin/env bash
# nativetls: the one test entry point, for CI and for people.
#
#   ./ci/test.sh            everything: install what is missing, format, vet
#                           (linux, windows, darwin, freebsd), go test -race,
#                           Windows tests under Wine, the x509-limbo harness,
#                           actionlint on the GitHub workflow
#   ./ci/test.sh tools vet  only the named parts (names: see "parts" below)
#
# Every part prints one summary line; the script exits non-zero if any part
# failed. Nothing is skipped silently: a part that cannot run says why and
# counts as a failure, a missing tool fails the "tools" part, and the test
# parts list every skipped test with its reason. The summary starts with the
# distribution and tool versions it ran on.
set -uo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin"
PATH="$PATH:$(go env GOPATH 2>/dev/null)/bin"
summary=()
failed=0
logdir="$(mktemp -d /tmp/nativetls-ci.XXXXXX)"

part() { # part NAME COMMAND... : run, keep the log, record one summary line
	local name="$1"; shift
	local log="$logdir/$name.log" start end rc
	start=$(date +%s)
	echo "=== $name: $*"
	"$@" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	if [ $rc -eq 0 ]; then
		summary+=("ok    $name ($((end - start))s)$(tail_summary "$log")")
	else
		failed=1
		summary+=("FAIL  $name ($((end - start))s, exit $rc; log $log)")
		echo "--- $name failed; last lines of $log:"
		tail -n 60 "$log"
	fi
}

# tail_summary prints a part's own one-line summary if it printed one
# (the last line starting with "summary:").
tail_summary() {
	local line
	line=$(grep -E '^summary:' "$1" | tail -n 1)
	[ -n "$line" ] && printf ' — %s' "$line"
}

# Debian packages the tests need, by the commands and modules they use:
#   softhsm2 (softhsm2-util, libsofthsm2.so), opensc (pkcs11-tool),
#   p11-kit + p11-kit-modules (trust, p11-kit-trust.so), libnss3 (libsoftokn3.so)
#   + libnss3-tools (certutil), openssl, gnutls-bin (gnutls-cli, gnutls-serv),
#   ca-certificates (update-ca-certificates), gcc + libc6-dev (cgo, -race),
#   wine64|wine and gcc-mingw-w64-x86-64 (Windows tests), dbus +
#   gnome-keyring + libsecret-tools (Secret Service password tests).
# "a|b" installs the first the distribution has (wine64 is gone on some).
deb_packages=(softhsm2 opensc p11-kit p11-kit-modules libnss3 libnss3-tools openssl gnutls-bin
	ca-certificates gcc libc6-dev libp11-kit-dev "wine64|wine" gcc-mingw-w64-x86-64 dbus gnome-keyring libsecret-tools)

# The commands and modules the tests run; tools_check fails when one is
# missing, so no test is skipped for want of a tool.
required_cmds=(go gcc openssl certutil update-ca-certificates trust softhsm2-util pkcs11-tool
	gnutls-cli gnutls-serv secret-tool gnome-keyring-daemon dbus-daemon x86_64-w64-mingw32-gcc timeout)
required_libs=(p11-kit-trust.so libsofthsm2.so libsoftokn3.so)

# pkg_present reports whether one of the "a|b" alternatives is installed.
pkg_present() {
	local alt
	for alt in ${1//|/ }; do dpkg -s "$alt" >/dev/null 2>&1 && return 0; done
	return 1
}

# pkg_pick prints the first alternative the package index knows.
pkg_pick() {
	local alt
	for alt in ${1//|/ }; do
		if apt-cache show "$alt" >/dev/null 2>&1; then echo "$alt"; return 0; fi
	done
	return 1
}

install_deps() {
	if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
		echo "summary: FAIL: not a Debian/Ubuntu system (no dpkg/apt-get): install the packages listed in ci/test.sh (deb_packages) by hand"
		return 1
	fi
	local missing=() p
	for p in "${deb_packages[@]}"; do
		pkg_present "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		echo "summary: all ${#deb_packages[@]} Debian packages present"
		return 0
	fi
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq || return 1
	local pick=() name
	for p in "${missing[@]}"; do
		name=$(pkg_pick "$p") || { echo "summary: FAIL: no package $p in this distribution's index"; return 1; }
		pick+=("$name")
	done
	$sudo apt-get install -y -qq --no-install-recommends "${pick[@]}" &&
		echo "summary: installed ${pick[*]}"
}

# find_lib prints the path of a shared library in the usual directories.
find_lib() {
	find /usr/lib /usr/lib64 /usr/local/lib -name "$1" \( -type f -o -type l \) 2>/dev/null | head -n 1
}

# pkg_version prints an installed package's version (dpkg, else rpm).
pkg_version() {
	dpkg-query -W -f '${Version}' "$1" 2>/dev/null || rpm -q --qf '%{VERSION}' "$1" 2>/dev/null || echo unknown
}

# wine_cmd prints the Wine loader the Windows tests use.
wine_cmd() {
	local w
	for w in wine64 /usr/lib/wine/wine64 wine; do
		command -v "$w" 2>/dev/null && return 0
	done
	return 1
}

# tools_check fails when a command or module a test needs is missing, and
# records the distribution and tool versions for the summary.
tools_check() {
	local rc=0 c l
	for c in "${required_cmds[@]}"; do
		command -v "$c" >/dev/null || { echo "missing command: $c"; rc=1; }
	done
	wine_cmd >/dev/null || { echo "missing command: wine64 (or wine)"; rc=1; }
	for l in "${required_libs[@]}"; do
		[ -n "$(find_lib "$l")" ] || { echo "missing module: $l"; rc=1; }
	done
	local os="unknown OS"
	[ -r /etc/os-release ] && os=$(. /etc/os-release && echo "${PRETTY_NAME:-$ID $VERSION_ID}")
	local wine_v=""
	wine_v=$("$(wine_cmd)" --version 2>/dev/null) || wine_v="none"
	versions="$os; $(go version 2>/dev/null | awk '{print $3}'); $(openssl version 2>/dev/null | awk '{print $1, $2}')"
	versions+="; p11-kit $(pkg_version p11-kit); softhsm2 $(softhsm2-util --version 2>/dev/null || echo none)"
	versions+="; nss $(pkg_version libnss3); ca-certificates $(pkg_version ca-certificates)"
	versions+="; gnutls $(gnutls-cli --version 2>/dev/null | head -n 1 | awk '{print $2}'); opensc $(pkg_version opensc); $wine_v; $(nproc) cores"
	echo "$versions" >"$logdir/versions"
	echo "$versions"
	echo "summary: ${#required_cmds[@]} commands and ${#required_libs[@]} modules present (versions on the \"ran on\" line)"
	return $rc
}

check_gofmt() {
	local out
	out=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
	if [ -n "$out" ]; then
		echo "gofmt would change:"; echo "$out"; return 1
	fi
	echo "summary: gofmt clean"
}

vet_all() {
	local rc=0
	go vet ./... || rc=1
	CGO_ENABLED=0 go build ./... || rc=1
	for t in windows/amd64 darwin/arm64 darwin/amd64; do
		echo "--- vet $t"
		GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 go vet ./... || rc=1
	done
	# The darwin test binaries must link without cgo (purego), even though
	# they only run on macOS runners.
	for a in arm64 amd64; do
		echo "--- link darwin/$a test binaries"
		for p in ./darwin/ ./darwin/internal/sec/; do
			GOOS=darwin GOARCH=$a CGO_ENABLED=0 go test -c -o /dev/null "$p" || rc=1
		done
	done
	echo "--- build+vet freebsd/amd64"
	GOOS=freebsd GOARCH=amd64 CGO_ENABLED=0 go build ./... || rc=1
	GOOS=freebsd GOARCH=amd64 CGO_ENABLED=0 go vet ./... || rc=1
	[ $rc -eq 0 ] && echo "summary: vet clean for linux (cgo and no cgo), windows, darwin arm64/amd64, freebsd"
	return $rc
}


# skipped_tests lists the tests a -v run skipped, with their reasons, and
# prints how many.
skipped_tests() {
	local n
	n=$(grep -c -- '--- SKIP:' "$1")
	if [ "$n" -gt 0 ]; then
		echo "skipped tests:"
		# go test -v prints a test's t.Skip message just before its SKIP line.
		awk '/^ +[^ ].*\.go:[0-9]+: / { last = $0; sub(/^ +/, "", last) }
			/--- SKIP:/ { name = $0; sub(/^.*--- SKIP: /, "", name); print "  " name ": " last; last = "" }' "$1"
	fi
	echo "$n"
}

go_test_race_summary() {
	local out="$logdir/test-race-v.log" rc
	go test -race -count=1 -timeout 15m -v ./... >"$out" 2>&1
	rc=$?
	grep -vE '^(=== (RUN|PAUSE|CONT|NAME)|--- PASS|    --- PASS)' "$out"
	local skipped
	skipped=$(skipped_tests "$out")
	sed '$d' <<<"$skipped" # the list; the last line is the count
	echo "summary: $(grep -c '^ok ' "$out") packages ok, $(grep -c '^FAIL' "$out") FAIL lines, $(tail -n 1 <<<"$skipped") tests skipped (listed above, with reasons)"
	return $rc
}

# A CGO_ENABLED=0 build runs every test too: pkcs11 (SoftHSM, the test
# module), p11-kit and NSS work without cgo (internal/p11raw, purego).
go_test_nocgo() {
	local out="$logdir/test-nocgo-v.log" rc
	CGO_ENABLED=0 go test -count=1 -timeout 10m -v ./... >"$out" 2>&1
	rc=$?
	grep -vE '^(=== (RUN|PAUSE|CONT|NAME)|--- PASS|    --- PASS)' "$out"
	local skipped
	skipped=$(skipped_tests "$out")
	sed '$d' <<<"$skipped"
	echo "summary: $(grep -c '^ok ' "$out") packages ok without cgo, $(grep -c '^FAIL' "$out") FAIL lines, $(tail -n 1 <<<"$skipped") tests skipped (listed above)"
	return $rc
}

limbo() {
	# The x509-limbo vectors are not part of the repository: they sit beside
	# the checkout (../shared/testdata/x509-limbo/limbo.json) in this
	# workplace, or wherever NATIVETLS_LIMBO points.
	if [ -z "${NATIVETLS_LIMBO:-}" ]; then
		for f in ../shared/testdata/x509-limbo/limbo.json /work/shared/testdata/x509-limbo/limbo.json; do
			if [ -f "$f" ]; then
				export NATIVETLS_LIMBO="$(cd "$(dirname "$f")" && pwd)/limbo.json"
				break
			fi
		done
	fi
	if [ -z "${NATIVETLS_LIMBO:-}" ]; then
		echo "summary: SKIPPED: x509-limbo vectors not found (../shared/testdata/x509-limbo/limbo.json; set NATIVETLS_LIMBO to run the harness)"
		return 0
	fi
	go test -count=1 -run 'TestLimbo' -v ./trust/ 2>&1 | tee "$logdir/limbo-full.log" | grep -E '^(limbo:|--- FAIL|FAIL|ok)'
	local rc=${PIPESTATUS[0]}
	grep -q '^limbo:' "$logdir/limbo-full.log" || { echo "the limbo harness printed no summary line"; return 1; }
	# The first line is the default profile, the project's headline figure.
	echo "summary: $(grep -m1 '^limbo:' "$logdir/limbo-full.log" | sed 's/^limbo: //')"
	return $rc
}

wine_tests() {
	if [ ! -f ci/wine/run-tests.sh ]; then
		echo "ci/wine/run-tests.sh is missing"; return 1
	fi
	bash ci/wine/run-tests.sh 2>&1 | tee "$logdir/wine-full.log"
	local rc=${PIPESTATUS[0]}
	local line
	line=$(grep -E '^wine: (PASS|FAIL) ' "$logdir/wine-full.log" | tail -n 1)
	[ -n "$line" ] && echo "summary: ${line#wine: }"
	return $rc
}

actionlint() {
	if [ ! -f ci/actionlint.sh ]; then
		echo "ci/actionlint.sh is missing"; return 1
	fi
	bash ci/actionlint.sh && echo "summary: actionlint clean"
}

# The README's HSM walkthrough, run as a newcomer would (cli engineer).
hsm_walkthrough() { bash docs/hsm-walkthrough.sh; }

# The parts, in order. To add one: write a function (or a script) that
# prints a last "summary: ..." line and exits non-zero on failure, and add a
# line here. `./ci/test.sh NAME...` runs only the named parts.
parts=(
	"deps install_deps"
	"tools tools_check"
	"gofmt check_gofmt"
	"vet vet_all"
	"test-race go_test_race_summary"
	"test-nocgo go_test_nocgo"
	"limbo limbo"
	"windows-wine wine_tests"
	"actionlint actionlint"
	"hsm-walkthrough hsm_walkthrough"
)

versions="unknown (the tools part did not run)"
total_start=$(date +%s)
for p in "${parts[@]}"; do
	name=${p%% *}
	if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
		continue
	fi
	# shellcheck disable=SC2086 # the command is words by design
	part $p
	[ -f "$logdir/versions" ] && versions=$(cat "$logdir/versions")
done

echo
echo "==== nativetls ci/test.sh summary"
echo "ran on: $versions"
printf '%s\n' "${summary[@]}"
echo "total: $(( $(date +%s) - total_start ))s"
if [ $failed -ne 0 ]; then
	echo "RESULT: FAIL (logs in $logdir)"
	exit 1
fi
echo "RESULT: ok"
