//go:build !linux

package linux

import "github.com/nativetls/nativetls/trust"

// loadSources returns ErrUnsupported outside Linux.
func loadSources(*Options) ([]trust.Anchor, []trust.SourceReport, error) {
	return nil, nil, ErrUnsupported
}

// watchPaths watches nothing outside Linux.
func watchPaths(opts *Options) []string { return nil }
