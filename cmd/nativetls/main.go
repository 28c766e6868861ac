// Command nativetls inspects and exercises the nativetls stack: which trust
// sources the platform backend reads, whether a chain verifies and why not,
// HTTPS requests and a TLS server through the native contexts, keys in
// tokens and OS stores, CA installation, and SPKI pins.
//
// Every command prints human output by default and JSON with --json.
// Exit codes are the same everywhere: 0 success, 1 the check failed (an
// invalid chain, a failed self-test, a TLS failure), 2 bad usage or
// unreadable input. Run `nativetls help COMMAND` for examples.
//
// Test hook: the environment variable NATIVETLS_NOW (RFC 3339) fixes the
// clock of commands that need one (verify, roots, doctor, get/serve
// verification), so golden tests do not depend on the date.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand.
type command struct {
	name     string
	synopsis string
	usage    string // flags line
	examples string
	define   func(fs *flag.FlagSet) // registers its flags, for help
	run      func(e *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		topUsage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				commandHelp(stdout, c)
				return exitOK
			}
		}
		topUsage(stdout)
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "nativetls: unknown command %q\n\n", name)
		topUsage(stderr)
		return exitUsage
	}
	e.cmd = c
	return exitCode(e, c.run(e, args[1:]))
}

func topUsage(w io.Writer) {
	fmt.Fprint(w, "usage: nativetls COMMAND [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].synopsis)
	}
	fmt.Fprint(w, "\nEvery command takes --json and --help. Exit codes: 0 ok, 1 check failed, 2 usage or input error.\nStart with: nativetls doctor\n")
}

func commandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: nativetls %s %s\n\n%s.\n", c.name, c.usage, c.synopsis)
	fs := c.flagSet(nil)
	if fs != nil {
		fmt.Fprint(w, "\nflags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	if c.examples != "" {
		fmt.Fprintf(w, "\nexamples:\n%s", c.examples)
	}
	fmt.Fprint(w, "\nexit codes: 0 ok, 1 check failed, 2 usage or input error\n")
}
