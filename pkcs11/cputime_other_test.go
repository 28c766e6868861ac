//go:build !unix

package pkcs11

import "time"

// processCPU is not measured on this OS.
func processCPU() time.Duration { return 0 }
