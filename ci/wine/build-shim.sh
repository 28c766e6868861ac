#!/usr/bin/env bash
# build-shim.sh OUT.dll: builds the ProcessPrng shim (processprng.c) into a
# 64-bit bcryptprimitives.dll with Debian's mingw-w64 cross compiler
# (apt-get install gcc-mingw-w64-x86-64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-bcryptprimitives.dll}
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
if ! command -v "$cc" >/dev/null; then
	echo "build-shim: $cc not found: apt-get install gcc-mingw-w64-x86-64" >&2
	exit 2
fi
"$cc" -shared -O2 -s -o "$out" "$here/processprng.c" -lbcrypt
