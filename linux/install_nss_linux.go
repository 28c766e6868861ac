package linux

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nativetls/nativetls/trust"
)

// firefoxProfileGlobs are where Firefox keeps profiles (classic, snap,
// flatpak), relative to the home directory.
var firefoxProfileGlobs = []string{
	".mozilla/firefox/*",
	"snap/firefox/common/.mozilla/firefox/*",
	".var/app/org.mozilla.firefox/.mozilla/firefox/*",
}

// findNSSDatabases lists the sql: databases under home: ~/.pki/nssdb and
// every Firefox profile holding a cert9.db.
func findNSSDatabases(home string) []string {
	var dbs []string
	if fileExists(filepath.Join(home, ".pki", "nssdb", "cert9.db")) {
		dbs = append(dbs, filepath.Join(home, ".pki", "nssdb"))
	}
	for _, g := range firefoxProfileGlobs {
		m, _ := filepath.Glob(filepath.Join(home, g, "cert9.db"))
		sort.Strings(m)
		for _, p := range m {
			dbs = append(dbs, filepath.Dir(p))
		}
	}
	return dbs
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// nssDatabasesFor lists the databases to change: opts.NSSDatabases, or
// those found under opts.Home (the user's home directory when empty).
func nssDatabasesFor(opts *trust.InstallOptions) ([]string, error) {
	dbs := make([]string, 0, len(opts.NSSDatabases))
	for _, d := range opts.NSSDatabases {
		dbs = append(dbs, strings.TrimPrefix(d, "sql:"))
	}
	if opts.NSSDatabases == nil {
		home := opts.Home
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return nil, fmt.Errorf("linux: cannot find the home directory to look for NSS databases: %w", err)
			}
		}
		dbs = findNSSDatabases(home)
	}
	if len(dbs) == 0 {
		return nil, ErrNoNSSDatabase
	}
	return dbs, nil
}

// nssAction adds (certutil -A -t C,,) or deletes (certutil -D) the
// certificate under the nickname name in db. The certificate is given on
// standard input.
func nssAction(cert *x509.Certificate, name, db string, install bool) action {
	store := "nss:sql:" + db
	if install {
		return action{InstallAction: trust.InstallAction{Store: store, Op: "run",
			Cmd:    []string{"certutil", "-A", "-d", "sql:" + db, "-t", "C,,", "-n", name, "-a"},
			Detail: "certificate on standard input"}, data: certPEM(cert)}
	}
	return action{InstallAction: trust.InstallAction{Store: store, Op: "run",
		Cmd: []string{"certutil", "-D", "-d", "sql:" + db, "-n", name}}}
}

// changeNSS changes every database in turn and reads each back.
func changeNSS(cert *x509.Certificate, name string, p *installPlan, install bool) ([]action, error) {
	dbs, err := nssDatabasesFor(&p.opts)
	if err != nil {
		return nil, err
	}
	var done []action
	for _, db := range dbs {
		ran, err := run([]action{nssAction(cert, name, db, install)}, p.out, p.opts.DryRun)
		done = append(done, ran...)
		if err != nil {
			return done, err
		}
		if p.opts.DryRun {
			continue
		}
		chk, err := checkNSS(cert, name, db, install)
		done = append(done, chk)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
