#!/bin/sh
# Prints the pkcs11 benchmark ratio table of issues 6 and 21 in one run:
# our cgo-free Signer vs the raw C_SignInit/C_Sign loop through the same
# binding (target >= 0.95) and vs
# crypto11 (>= 1.0) for ECDSA P-256 and RSA-2048, 2 goroutines vs 1 (>= 1.6,
# read beside the raw loop's own 2-vs-1 ratio), and TLS 1.3 handshakes per
# second with the SoftHSM key vs an in-memory key.
# Needs: softhsm2, opensc (pkcs11-tool), and a C compiler only because the
# crypto11 baseline (github.com/miekg/pkcs11) is cgo; pkcs11/ itself is not.
set -eu
cd "$(dirname "$0")/.."
NATIVETLS_BENCH=1 go test ./pkcs11 -run '^TestBenchTable$' -v -count=1 -timeout 20m
