// Package safefile reads files named by configuration or by a user, which
// this project treats as untrusted: only regular files are read, and never
// more than a stated number of bytes, so /dev/zero, a FIFO or a runaway log
// file gives a clear error instead of exhausting memory or blocking.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// DefaultMax is the size cap of Read for certificate, key, trust-bundle,
// password and policy files: 16 MiB, about 100 times Debian's whole CA
// bundle.
const DefaultMax = 16 << 20

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (a device, FIFO, socket or directory).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file larger than the cap.
var ErrTooLarge = errors.New("file too large")

// Error reports a file that Read refused.
type Error struct {
	Path string // the file as named
	Max  int64  // the cap in force
	Err  error  // ErrNotRegular, ErrTooLarge, or the os error
}

func (e *Error) Error() string {
	switch {
	case errors.Is(e.Err, ErrNotRegular):
		return fmt.Sprintf("%s: not a regular file: name a file, not a device, FIFO, socket or directory", e.Path)
	case errors.Is(e.Err, ErrTooLarge):
		return fmt.Sprintf("%s: larger than %d bytes: this is not a certificate, key or policy file (or split it)", e.Path, e.Max)
	}
	return e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Read returns the contents of the regular file at path, or an *Error when
// the path is not a regular file or holds more than max bytes (max <= 0
// means DefaultMax). Symbolic links are followed; what they point at must be
// a regular file. Errors from the file system (not found, permission) are
// returned as *fs.PathError with Op "open" on every OS.
func Read(path string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMax
	}
	st, err := os.Stat(path)
	if err != nil {
		// Say "open" on every OS (Windows names its stat GetFileAttributesEx):
		// to the user this is the file that could not be opened.
		if pe, ok := err.(*fs.PathError); ok {
			return nil, &fs.PathError{Op: "open", Path: pe.Path, Err: pe.Err}
		}
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Max: max, Err: ErrNotRegular}
	}
	if st.Size() > max {
		return nil, &Error{Path: path, Max: max, Err: ErrTooLarge}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been swapped between Stat and Open: check the
	// opened file itself, and never read past the cap.
	if st, err = f.Stat(); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Max: max, Err: ErrNotRegular}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > max {
		return nil, &Error{Path: path, Max: max, Err: ErrTooLarge}
	}
	return data, nil
}
