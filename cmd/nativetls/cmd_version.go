package main

import (
	"runtime"
	"runtime/debug"

	"github.com/nativetls/nativetls/native"
)

func init() {
	register(&command{
		name:     "version",
		synopsis: "print the version, Go release, platform and backend",
		usage:    "[--json]",
		examples: "  nativetls version\n  nativetls version --json\n",
		run:      runVersion,
	})
}

type versionInfo struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	Backend string `json:"backend"`
	Cgo     bool   `json:"cgo"`
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func runVersion(e *env, args []string) error {
	if err := e.parseNoArgs(args, nil); err != nil {
		return err
	}
	v := versionInfo{Version: buildVersion(), Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Backend: native.Backend().Name, Cgo: cgoEnabled}
	if e.json {
		return e.printJSON(v)
	}
	e.outf("nativetls %s (%s, %s/%s, backend %s, cgo %s)\n", v.Version, v.Go, v.OS, v.Arch, v.Backend, either(v.Cgo, "on", "off"))
	return nil
}
