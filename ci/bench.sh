#!/usr/bin/env bash
# nativetls benchmarks: runs every package's ratio table once and prints it.
#
#   ./ci/bench.sh            all tables
#   ./ci/bench.sh native     only the packages named
#
# Each package has a TestBenchTable-style test, enabled by NATIVETLS_BENCH=1,
# that measures the project's code and its baseline in the same run
# (alternating, best of several runs) and prints "bench:" rows with the
# ratio and the issue's target. Absolute numbers drift ±20% on a shared
# 2-core machine; the ratios are what the targets are about.
# Results are recorded in docs/BENCHMARKS.md.
set -uo pipefail
cd "$(dirname "$0")/.."
export NATIVETLS_BENCH=1

pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	pkgs=(native trust pkcs11 linux)
fi

echo "nativetls benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC') — $(go version | cut -d' ' -f3) — $(nproc) CPUs"
status=0
for p in "${pkgs[@]}"; do
	[ -d "$p" ] || continue
	echo "== $p"
	out=$(go test -count=1 -timeout 20m -run 'BenchTable' -v "./$p/" 2>&1)
	rc=$?
	# Everything the tables print, without go test's own framing lines.
	rows=$(grep -vE '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- (PASS|SKIP|FAIL)|PASS$|FAIL$|ok\s|\?\s)' <<<"$out")
	if [ -n "$rows" ]; then
		echo "$rows"
	else
		echo "(no table printed)"
	fi
	if [ $rc -ne 0 ]; then
		echo "!! go test failed for $p:"
		tail -n 20 <<<"$out"
		status=1
	fi
done
exit $status
