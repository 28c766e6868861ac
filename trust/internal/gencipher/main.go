// Command gencipher generates trust/ciphersuite_table.go from
// trust/ciphersuites.tsv. It runs through `go generate ./trust` (see the
// go:generate line in trust/ciphersuite.go) with the trust directory as its
// working directory:
//
//	go run ./internal/gencipher [-in ciphersuites.tsv] [-outside internal/gencipher/openssl_outside.txt] [-out ciphersuite_table.go]
//
// With -out -, the code goes to standard output.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nativetls/nativetls/trust/internal/gencipher/suitetable"
)

func main() {
	in := flag.String("in", "ciphersuites.tsv", "the cipher-suite table to read")
	outside := flag.String("outside", "internal/gencipher/openssl_outside.txt", "OpenSSL suite names outside the table")
	out := flag.String("out", "ciphersuite_table.go", "the Go file to write, or - for standard output")
	flag.Parse()
	if err := run(*in, *outside, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in, outside, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("gencipher: %w (run it from the trust directory, or pass -in)", err)
	}
	defer f.Close()
	rows, err := suitetable.Parse(f, in)
	if err != nil {
		return err
	}
	g, err := os.Open(outside)
	if err != nil {
		return fmt.Errorf("gencipher: %w (run it from the trust directory, or pass -outside)", err)
	}
	defer g.Close()
	names, err := suitetable.ParseNames(g, outside, rows)
	if err != nil {
		return err
	}
	src, err := suitetable.Generate(rows, names)
	if err != nil {
		return err
	}
	if out == "-" {
		_, err = os.Stdout.Write(src)
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return fmt.Errorf("gencipher: %w", err)
	}
	return nil
}
