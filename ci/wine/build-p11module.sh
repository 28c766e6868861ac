#!/usr/bin/env bash
# Builds the test PKCS#11 module (internal/p11raw/testmodule: a Go
# c-shared library with an ECDSA and an RSA key and their certificates,
# token "wine-test", user PIN 1234) as a Windows DLL with mingw, for the
# pkcs11 and CLI tests under Wine (they find it in
# $NATIVETLS_P11_TEST_MODULE).
#
#   bash ci/wine/build-p11module.sh OUT.dll
#
# Needs: apt-get install gcc-mingw-w64-x86-64 libp11-kit-dev (pkcs11.h).
set -euo pipefail
out=${1:?usage: build-p11module.sh OUT.dll}
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
	echo "build-p11module: x86_64-w64-mingw32-gcc missing: apt-get install gcc-mingw-w64-x86-64" >&2
	exit 1
fi
if [ ! -f /usr/include/p11-kit-1/p11-kit/pkcs11.h ]; then
	echo "build-p11module: /usr/include/p11-kit-1/p11-kit/pkcs11.h missing: apt-get install libp11-kit-dev" >&2
	exit 1
fi
cd "$root"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	go build -tags p11testmodule -buildmode=c-shared -o "$out" ./internal/p11raw/testmodule
rm -f "${out%.dll}.h"
