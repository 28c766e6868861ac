package main

import (
	"bufio"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeTokenChainWhicheverFlags: with the certificate and the key both
// named by token URIs (or the key alone), serve sends the leaf and the
// token's intermediate, prints that chain, and a client trusting only the
// root verifies it.
func TestServeTokenChainWhicheverFlags(t *testing.T) {
	env, module := newToken(t)
	q := "?module-path=" + module
	key := "pkcs11:token=web;object=server;type=private" + q
	root := filepath.Join(pkiDir(t), "root.pem")
	for _, args := range [][]string{
		{"--cert", "pkcs11:token=web;object=server;type=cert" + q, "--key", key},
		{"--cert", "pkcs11:token=web;type=cert" + q, "--key", key},
		{"--key", key},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			addr, printed := serveAndRead(t, env, append(args, "--password", "pass:1234")...)
			for _, want := range []string{"sending a chain of 2 certificates:", "  0 CN=www.example.test", "  1 CN=Test Intermediate CA", "serial ", "not after 20"} {
				if !strings.Contains(printed, want) {
					t.Errorf("serve printed no %q:\n%s", want, printed)
				}
			}
			if strings.Contains(printed, "Root") {
				t.Errorf("serve sends the root:\n%s", printed)
			}
			r := runCLI(t, env, "get", "https://"+addr+"/", "--roots", root, "--host", "www.example.test")
			if r.code != 0 {
				t.Errorf("get from the token-backed server: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// serveAndRead starts serve, reads what it prints before serving (the
// address line and the chain), and stops it when the test ends.
func serveAndRead(t *testing.T, env []string, args ...string) (addr, printed string) {
	t.Helper()
	cmd, out, errb := launchServe(t, env, args...)
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGINT); _ = cmd.Wait() })
	br := bufio.NewReader(out)
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("serve stopped: %v\n%s%s", err, b.String(), errb.String())
		}
		b.WriteString(line)
		if a, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on "); ok {
			addr = a
		}
		if strings.HasPrefix(line, "      serial ") && strings.Count(b.String(), "      serial ") == 2 {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, br) }()
	return addr, b.String()
}
