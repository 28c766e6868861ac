package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nativetls/nativetls/trust"
)

// certJSON is a certificate in JSON output.
type certJSON struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	Names     []string  `json:"names,omitempty"`
	IsCA      bool      `json:"is_ca"`
	SHA256    string    `json:"sha256"`
	Pin       string    `json:"pin_sha256"`
}

func describe(c *x509.Certificate) certJSON {
	sum := sha256.Sum256(c.Raw)
	p := trust.PinOf(c)
	return certJSON{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		Serial:    c.SerialNumber.Text(16),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		Names:     trust.CertificateNames(c),
		IsCA:      c.IsCA,
		SHA256:    hex.EncodeToString(sum[:]),
		Pin:       pinBase64(p),
	}
}

func describeAll(certs []*x509.Certificate) []certJSON {
	out := make([]certJSON, 0, len(certs))
	for _, c := range certs {
		out = append(out, describe(c))
	}
	return out
}

// pinBase64 returns the base64 of a pin (without the pin-sha256= wrapper).
func pinBase64(p trust.Pin) string {
	s := p.String()
	const pre = `pin-sha256="`
	if len(s) > len(pre)+1 {
		return s[len(pre) : len(s)-1]
	}
	return s
}

// printChain prints a chain, one certificate per line, indented.
func printChain(w io.Writer, certs []*x509.Certificate) {
	for i, c := range certs {
		fmt.Fprintf(w, "  %d %s\n      issuer %s, valid %s to %s\n", i, c.Subject, c.Issuer,
			c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"))
	}
}

// verificationJSON is the machine form of a verification error.
type verificationJSON struct {
	Reason           string    `json:"reason"`
	Message          string    `json:"message"`
	Certificate      *certJSON `json:"certificate,omitempty"`
	Depth            int       `json:"depth"`
	Host             string    `json:"host,omitempty"`
	PlatformCode     int64     `json:"platform_code,omitempty"`
	PlatformCodeName string    `json:"platform_code_name,omitempty"`
	Backend          string    `json:"backend,omitempty"`
}

// verificationDetail extracts the reason and message of a verification
// failure (any error; non-verification errors have reason "unknown").
func verificationDetail(err error) verificationJSON {
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		v := verificationJSON{Reason: ve.Reason.String(), Message: ve.Message(), Depth: ve.Depth,
			Host: ve.Host, PlatformCode: ve.PlatformCode, PlatformCodeName: ve.PlatformCodeName, Backend: ve.Backend}
		if ve.Certificate != nil {
			d := describe(ve.Certificate)
			v.Certificate = &d
		}
		return v
	}
	return verificationJSON{Reason: trust.ReasonUnknown.String(), Message: err.Error(), Depth: -1}
}

// humanMessage is the one sentence to show a person for err.
func humanMessage(err error) string {
	var ve *trust.VerificationError
	if errors.As(err, &ve) {
		return ve.Message()
	}
	return err.Error()
}

func errNotCA(file, subject string) error {
	return fmt.Errorf("%s: %q is not a CA certificate (basic constraints CA:FALSE); install the CA that issued it, not the server certificate", file, subject)
}
