package native

import "github.com/nativetls/nativetls/trust"

// validationEnabled reports whether a context built from cfg validates
// peer certificates, applying the process-wide policy to configurations
// that did not set validation explicitly.
func validationEnabled(cfg trust.Configuration) bool {
	return cfg.ValidateCertificates()
}
