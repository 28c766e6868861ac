package native

import (
	"os"
	"path/filepath"
)

// defaultPolicyFile is the system-wide policy file on Windows:
// %ProgramData%\nativetls\verify.conf.
func defaultPolicyFile() string {
	dir := os.Getenv("ProgramData")
	if dir == "" {
		dir = `C:\ProgramData`
	}
	return filepath.Join(dir, "nativetls", "verify.conf")
}
