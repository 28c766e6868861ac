package linux

import "path/filepath"

// watchPaths lists what a load with opts depends on: every candidate bundle
// file and directory (so a file appearing earlier in the list is noticed),
// the p11-kit trust paths with their anchors and blocklist directories,
// and the NSS databases.
func watchPaths(opts *Options) []string {
	plan := planBundles(opts)
	paths := append(append([]string{}, plan.files...), plan.dirs...)
	if !opts.DisableP11Kit && plan.envOverride == "" {
		tp := opts.P11KitPaths
		if tp == nil {
			tp = p11KitDefaultPaths
		}
		for _, p := range tp {
			paths = append(paths, p, filepath.Join(p, "anchors"), filepath.Join(p, "blocklist"), filepath.Join(p, "blacklist"))
		}
	}
	if opts.IncludeNSS && plan.envOverride == "" {
		dirs, _ := nssDatabases(opts)
		for _, d := range dirs {
			paths = append(paths, d, filepath.Join(d, "cert9.db"))
		}
	}
	return paths
}
