//go:build unix

package testfs

import (
	"errors"
	"strings"
	"testing"

	"github.com/nativetls/nativetls/internal/safefile"
)

// RefuseEndless runs every loader, keyed by its name, on every file of
// EndlessFiles as a subtest "NAME/KIND". Each must return promptly (Within)
// a refusal: an error wrapping safefile.ErrNotRegular or
// safefile.ErrTooLarge whose message names the file.
func RefuseEndless(t *testing.T, loaders map[string]func(path string) error) {
	t.Helper()
	for kind, path := range EndlessFiles(t) {
		for name, load := range loaders {
			t.Run(name+"/"+kind, func(t *testing.T) {
				err := Within(t, name, func() error { return load(path) })
				if !errors.Is(err, safefile.ErrNotRegular) && !errors.Is(err, safefile.ErrTooLarge) {
					t.Fatalf("want a refusal (not a regular file / too large), got %v", err)
				}
				if !strings.Contains(err.Error(), path) {
					t.Fatalf("the error does not name %s: %v", path, err)
				}
			})
		}
	}
}
