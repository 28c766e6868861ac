#!/usr/bin/env bash
# nativetls: the one test entry point, for CI and for people.
#
#   ./ci/test.sh            everything: install what is missing, format, vet
#                           (linux, windows, darwin, freebsd), go test -race,
#                           Windows tests under Wine, the x509-limbo harness,
#                           actionlint on the GitHub workflow
#
# Every part prints one summary line; the script exits non-zero if any part
# failed. Nothing is skipped silently: a part that cannot run says why and
# counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH 2>/dev/null)/bin"
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

install_deps() {
	local pkgs=(softhsm2 p11-kit p11-kit-modules libnss3 libnss3-tools openssl gnutls-bin opensc
		wine64 gcc-mingw-w64-x86-64 ca-certificates gcc dbus gnome-keyring libsecret-tools)
	local missing=()
	for p in "${pkgs[@]}"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		echo "summary: all ${#pkgs[@]} Debian packages present"
		return 0
	fi
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" &&
		echo "summary: installed ${missing[*]}"
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


go_test_race_summary() {
	local out rc
	out=$(go test -race -count=1 -timeout 15m ./... 2>&1)
	rc=$?
	echo "$out"
	local okc failc
	okc=$(grep -c '^ok ' <<<"$out")
	failc=$(grep -c '^FAIL' <<<"$out")
	echo "summary: $okc packages ok, $failc FAIL lines"
	return $rc
}

# A CGO_ENABLED=0 build runs every test too: pkcs11 (SoftHSM, the test
# module), p11-kit and NSS work without cgo (internal/p11raw, purego).
go_test_nocgo() {
	local out rc
	out=$(CGO_ENABLED=0 go test -count=1 -timeout 10m ./... 2>&1)
	rc=$?
	echo "$out"
	echo "summary: $(grep -c '^ok ' <<<"$out") packages ok without cgo, $(grep -c '^FAIL' <<<"$out") FAIL lines"
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

part deps install_deps
part gofmt check_gofmt
part vet vet_all
part test-race go_test_race_summary
part test-nocgo go_test_nocgo
part limbo limbo
part windows-wine wine_tests
part actionlint actionlint

echo
echo "==== nativetls ci/test.sh summary"
printf '%s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
	echo "RESULT: FAIL (logs in $logdir)"
	exit 1
fi
echo "RESULT: ok"
