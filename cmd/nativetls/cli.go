package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nativetls/nativetls/native"
	"github.com/nativetls/nativetls/trust"
)

// Exit codes shared by every command.
const (
	exitOK    = 0 // success
	exitFail  = 1 // the check failed
	exitUsage = 2 // bad usage or unreadable input
)

// env is what a command runs with.
type env struct {
	stdout, stderr io.Writer
	cmd            *command
	json           bool
}

// usageError is bad usage: exit 2 with the command's usage line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// inputError is unreadable or invalid input: exit 2.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func inputErr(err error) error { return &inputError{err} }

// failError is a failed check whose message was already printed: exit 1.
type failError struct{ msg string }

func (e *failError) Error() string { return e.msg }

// errSilentFail is a failed check with nothing more to print.
var errSilentFail = &failError{}

// exitCode prints err and maps it to an exit code.
func exitCode(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ue *usageError
	var ie *inputError
	var fe *failError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "nativetls %s: %s\nusage: nativetls %s %s\n(run `nativetls help %s` for examples)\n", e.cmd.name, ue.msg, e.cmd.name, e.cmd.usage, e.cmd.name)
		return exitUsage
	case errors.As(err, &ie):
		fmt.Fprintf(e.stderr, "nativetls %s: %v\n", e.cmd.name, ie.err)
		return exitUsage
	case errors.As(err, &fe):
		if fe.msg != "" {
			fmt.Fprintf(e.stderr, "nativetls %s: %s\n", e.cmd.name, fe.msg)
		}
		return exitFail
	}
	fmt.Fprintf(e.stderr, "nativetls %s: %v\n", e.cmd.name, err)
	return exitFail
}

// flagSet returns the command's flag set: --json and the flags define
// registers (the command's own define when nil, for help).
func (c *command) flagSet(define func(fs *flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("json", false, "print JSON on stdout instead of human output")
	if define == nil {
		define = c.define
	}
	if define != nil {
		define(fs)
	}
	return fs
}

// parse parses args, allowing flags after positional arguments, and returns
// the positional arguments.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				commandHelp(e.stdout, e.cmd)
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	e.json = fs.Lookup("json").Value.(flag.Getter).Get().(bool)
	return pos, nil
}

// parseArgs is the start of every command: the command's flags (define
// registers them, next to --json) parsed from args, and the positional
// arguments.
func (e *env) parseArgs(args []string, define func(fs *flag.FlagSet)) ([]string, error) {
	return e.parse(e.cmd.flagSet(define), args)
}

// parseNoArgs is parseArgs for a command that takes no positional
// argument.
func (e *env) parseNoArgs(args []string, define func(fs *flag.FlagSet)) error {
	pos, err := e.parseArgs(args, define)
	if err == nil && len(pos) > 0 {
		err = usagef("unexpected argument %q", pos[0])
	}
	return err
}

// parseOneArg is parseArgs for a command that takes exactly one positional
// argument, what.
func (e *env) parseOneArg(args []string, define func(fs *flag.FlagSet), what string) (string, error) {
	pos, err := e.parseArgs(args, define)
	if err == nil && len(pos) != 1 {
		err = usagef("give exactly one %s", what)
	}
	if err != nil {
		return "", err
	}
	return pos[0], nil
}

// printJSON writes v as indented JSON on stdout.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (e *env) outf(format string, a ...any) { fmt.Fprintf(e.stdout, format, a...) }

// count renders n with its noun in the right number: "1 anchor",
// "2 anchors", "0 certificates". plural is the noun's plural form, or empty
// for noun+"s".
func count(n int, noun, plural string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	if plural == "" {
		plural = noun + "s"
	}
	return fmt.Sprintf("%d %s", n, plural)
}

// now returns the current time, or NATIVETLS_NOW when set (a test hook).
func now() (time.Time, error) {
	if v := os.Getenv("NATIVETLS_NOW"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, inputErr(fmt.Errorf("NATIVETLS_NOW=%q is not an RFC 3339 time such as 2026-11-23T12:00:00Z", v))
		}
		return t, nil
	}
	return time.Now(), nil
}

// either is yes when cond holds, no otherwise.
func either(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// passwordOptions checks a --password source and returns the load option
// that reads keys with it (none when source is empty).
func passwordOptions(source string) ([]native.LoadOption, error) {
	if source == "" {
		return nil, nil
	}
	if _, err := native.PasswordSource(source); err != nil {
		return nil, usagef("--password: %v", err)
	}
	return []native.LoadOption{native.WithPasswordSource(source)}, nil
}

// withAnchors returns cfg trusting the anchors of the store spec names
// (see native.TrustStore); an empty spec leaves cfg as it is.
func withAnchors(cfg trust.Configuration, spec string) (trust.Configuration, error) {
	if spec == "" {
		return cfg, nil
	}
	store, err := native.TrustStore(spec)
	if store == nil {
		return cfg, inputErr(err)
	}
	return cfg.WithTrustStore(store), nil
}

// parseUsage parses a --usage value.
func parseUsage(s string) (trust.Usage, error) {
	switch strings.ToLower(s) {
	case "serverauth", "server":
		return trust.UsageServerAuth, nil
	case "clientauth", "client":
		return trust.UsageClientAuth, nil
	case "any":
		return trust.UsageAny, nil
	}
	return 0, usagef("--usage %q: use serverAuth, clientAuth or any", s)
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
