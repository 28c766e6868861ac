#!/usr/bin/env bash
# nativetls HSM walkthrough: a TLS server whose private key lives in a
# PKCS#11 token, end to end, in a throwaway directory. Run it from anywhere:
#
#   bash docs/hsm-walkthrough.sh
#
# Needs: Go, SoftHSM2, OpenSC's pkcs11-tool and OpenSSL
# (Debian/Ubuntu: apt-get install softhsm2 opensc openssl). It touches no
# real token and no system trust store: SoftHSM keeps its tokens in the
# temporary directory named by SOFTHSM2_CONF, and everything is removed at
# the end. Each step is explained in README.md ("A TLS server with its key in
# an HSM, step by step").
set -euo pipefail
cd "$(dirname "$0")/.."
unset NATIVETLS_NOW NATIVETLS_VERIFY # this walkthrough runs on the real clock and policy

step() { printf '\n==> %s\n' "$*"; }

# 0. Tools, and a working directory removed on exit (the server too).
for tool in go softhsm2-util pkcs11-tool openssl; do
	command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install softhsm2 opensc openssl (and Go)"; exit 2; }
done
module=""
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
	[ -f "$m" ] && module="$m" && break
done
[ -n "$module" ] || { echo "libsofthsm2.so not found: apt-get install softhsm2"; exit 2; }
work="$(mktemp -d /tmp/nativetls-hsm.XXXXXX)"
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

step "1. build the nativetls CLI (cgo on: PKCS#11 modules are C libraries)"
CGO_ENABLED=1 go build -o "$work/nativetls" ./cmd/nativetls
nt="$work/nativetls"
"$nt" version

step "2. create a SoftHSM token \"web\" in $work/tokens (user PIN 1234)"
mkdir "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf"
softhsm2-util --init-token --free --label web --pin 1234 --so-pin 5678

step "3. a throwaway CA: a root and an intermediate (valid 2 days)"
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout root-key.pem -out root.pem -subj "/CN=Walkthrough Root CA" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout inter-key.pem -out inter.csr -subj "/CN=Walkthrough Intermediate CA" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >inter.ext
openssl x509 -req -in inter.csr -CA root.pem -CAkey root-key.pem -CAcreateserial -days 2 -extfile inter.ext -out inter.pem 2>/dev/null

step "4. the server's key and a certificate for www.example.test issued by the intermediate"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout server-key.pem -out server.csr -subj "/CN=www.example.test" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.test,IP:127.0.0.1\n' >server.ext
openssl x509 -req -in server.csr -CA inter.pem -CAkey inter-key.pem -CAcreateserial -days 2 -extfile server.ext -out server.pem 2>/dev/null
openssl verify -CAfile root.pem -untrusted inter.pem server.pem

step "5. import the key, the certificate and the intermediate into the token; delete the key file"
softhsm2-util --import server-key.pem --token web --label server --id 01 --pin 1234 >/dev/null
openssl x509 -in server.pem -outform DER -out server.der
openssl x509 -in inter.pem -outform DER -out inter.der
pkcs11-tool --module "$module" --token-label web --login --pin 1234 --write-object server.der --type cert --id 01 --label server >/dev/null
pkcs11-tool --module "$module" --token-label web --login --pin 1234 --write-object inter.der --type cert --id 02 --label intermediate >/dev/null
rm -f server-key.pem root-key.pem inter-key.pem
"$nt" keys --module "$module"
export TOKEN_PIN=1234
"$nt" keys --uri "pkcs11:token=web?module-path=$module" --pin env:TOKEN_PIN

step "6. serve HTTPS with the key in the token (the token's intermediate completes the chain)"
key="pkcs11:token=web;object=server;type=private?module-path=$module"
"$nt" serve --listen 127.0.0.1:0 --key "$key" --password env:TOKEN_PIN >serve.out 2>serve.err &
server_pid=$!
addr=""
for _ in $(seq 1 100); do
	addr="$(sed -n 's/^listening on //p' serve.out)"
	[ -n "$addr" ] && break
	kill -0 "$server_pid" 2>/dev/null || { cat serve.err; exit 1; }
	sleep 0.1
done
[ -n "$addr" ] || { echo "serve printed no address"; cat serve.err; exit 1; }
sleep 0.2
cat serve.out

step "7. fetch from it with nativetls get, trusting only the throwaway root"
"$nt" get "https://$addr/" --roots root.pem --host www.example.test | tee get.out
grep -q "hello from nativetls serve" get.out

step "8. and with openssl s_client, verifying the chain and the host name"
openssl s_client -connect "$addr" -servername www.example.test -CAfile root.pem \
	-verify_return_error -verify_hostname www.example.test </dev/null >s_client.out 2>&1 || { cat s_client.out; exit 1; }
grep -E "Verify return code: 0 \(ok\)" s_client.out
grep -A6 "^Certificate chain" s_client.out

step "9. clean up: stop the server, remove $work"
kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "summary: HSM walkthrough ok (SoftHSM token, key file deleted after import, chain of 2 sent, verified by nativetls get and openssl s_client)"
