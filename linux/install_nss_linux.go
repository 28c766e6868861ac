package linux

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

// nssActions adds (certutil -A -t C,,) or deletes (certutil -D) the
// certificate under the nickname name in each database. The certificate is
// given on standard input.
func nssActions(cert *x509.Certificate, name string, opts *InstallOptions, install bool) ([]Action, error) {
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
	var actions []Action
	for _, db := range dbs {
		store := "nss:sql:" + db
		if install {
			actions = append(actions, Action{Store: store, Op: "run",
				Cmd:  []string{"certutil", "-A", "-d", "sql:" + db, "-t", "C,,", "-n", name, "-a"},
				data: certPEM(cert)})
		} else {
			actions = append(actions, Action{Store: store, Op: "run",
				Cmd: []string{"certutil", "-D", "-d", "sql:" + db, "-n", name}})
		}
	}
	return actions, nil
}
