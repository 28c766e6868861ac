//go:build !windows

package native

// defaultPolicyFile is the system-wide policy file: /etc/nativetls/verify.conf.
func defaultPolicyFile() string { return "/etc/nativetls/verify.conf" }
